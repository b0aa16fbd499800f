"""Searching without the model (/search): the best matching passages of a user's memory,
each shown by its best sentences."""

from __future__ import annotations

from knowledge.services.answers.evidence import Evidence, EvidencePicker
from knowledge.services.answers.retrieval import Retriever


class Passages:
    def __init__(self, *, retriever: Retriever, picker: EvidencePicker) -> None:
        self._retriever = retriever
        self._picker = picker

    def find(self, user_id: int, query: str, k: int = 5) -> list[Evidence]:
        """The user's `k` best matching passages, in rank order, by their best sentences."""
        hits = self._retriever.search(user_id, query, k=k)
        return self._picker.best_per_hit(query, hits)
