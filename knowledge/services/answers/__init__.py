"""Answering from one user's memory: retrieval (dense + BM25), the evidence picked, the prompt,
the model's answer with its source, and the answers built in code (a day, a subject, counts,
sums, document summaries).
"""
