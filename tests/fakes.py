"""Small, honest fakes of the engine interfaces."""

from __future__ import annotations

from collections.abc import Iterator

from knowledge.model import GenerationParams


class ScriptedGenerator:
    """A `Generator` that replies with queued answers, word by word, and records prompts."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.prompts: list[list[dict[str, str]]] = []
        self.primed: list[list[dict[str, str]]] = []

    def prime(self, messages: list[dict[str, str]]) -> None:
        self.primed.append(messages)

    def enqueue(self, reply: str) -> None:
        self.replies.append(reply)

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        self.prompts.append(messages)
        reply = self.replies.pop(0) if self.replies else "I don't know."
        words = reply.split(" ")
        for index, word in enumerate(words):
            yield word if index == len(words) - 1 else word + " "

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)
