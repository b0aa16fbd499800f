"""What mnemo does, written against the domain only, in rooms by capability (each may
import only the rooms before it; tests/test_layers.py keeps that):

- `words`: the words of four languages (dates, times, questions, reminder requests);
- `llm`: the local model's worker, its fair queue, the build check, the summarizer;
- `sending`: digests, reminders, deliveries, the inbox, sent at each user's time;
- `keeping`: putting things into memory (notes, files, recordings, links, imports);
- `answers`: answering from one user's memory (retrieval, evidence, gathering);
- `upkeep`: access, profiles, backups, the doctor, readiness;
- `door`: the one door every arrival goes through (`door.inbound.Inbound.receive`).
"""
