"""What mnemo does, written against the domain only: ingest, retrieval, evidence, answers,
asking, digests, memory, the doctor, the inbox, profiles and the fair queue."""
