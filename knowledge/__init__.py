"""mnemo's knowledge core: extraction, chunking, embedding, storage, retrieval and answers.

Nothing here imports Telegram; `bot/` and the CLI are adapters on top of `bootstrap()`.
"""
