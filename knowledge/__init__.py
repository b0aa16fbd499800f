"""mnemo's knowledge core, in three layers:

- `domain/`: plain types, the search plan, the ports (engine interfaces), the repositories
  and the errors; no I/O.
- `services/`: what mnemo does (ingest, retrieval, evidence, answering, asking, digests,
  memory, doctor, inbox, profiles, the fair queue), written against the domain only.
- `adapters/`: the engines behind the ports (SQL, vector stores, embedders, extraction and
  OCR, llama.cpp, kept files, model provisioning).

`bootstrap.py` is the one composition root (the engines it builds on in `engines.py`);
`settings.py` the configuration. The chat bot (`bot/`) and the command line (`cli/`) are
adapters outside the core, on `bootstrap()` and `Services.start()`.
"""
