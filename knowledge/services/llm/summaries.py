"""One line per item for the digest: the item's own words, or the model's condensation of a
long item, kept only when every word and number of it is found in the item.

The prompt shows no example content (nothing the model could copy into a user's day), and
the model sees one item at a time. Markdown the model writes is read as Markdown
(markdown-it-py) and kept as plain text; the renderers escape and format it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from markdown_it import MarkdownIt

from knowledge.domain.model import GenerationParams
from knowledge.services.llm.llm_worker import LlmWorker
from knowledge.services.words.language import guess_language, written_in

log = logging.getLogger(__name__)

LINE_CHARS = 200  # an item this short is its own line; longer ones are condensed
SUMMARY_TOKENS = 60
# Of a summary's words, how many must be the item's own (stemmed); numbers: every one.
GROUNDED_SHARE = 0.8
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "es": "Spanish", "zh": "Chinese"}
_SYSTEM = (
    "You condense one item that a person saved into a single short line for their diary. "
    "Write in the item's own language. Use only what the item says, in its own words where "
    "you can; keep names, numbers, dates and times exactly as written; add nothing."
)
_markdown = MarkdownIt("commonmark")


def flat(text: str) -> str:
    return " ".join(text.split())


def own_line(text: str, limit: int = LINE_CHARS) -> str:
    """The item's own words on one line: whole when short, else cut at a word."""
    line = flat(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def plain_text(markdown: str) -> str:
    """What a model's Markdown says, without its symbols (**bold**, # headings, - lists)."""
    pieces: list[str] = []
    for token in _markdown.parse(markdown):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    pieces.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    pieces.append(" ")
            pieces.append(" ")
    return flat("".join(pieces))


class Summarizer:
    """Makes the checked one-line summary of a long item with the chat model."""

    def __init__(
        self,
        *,
        worker: LlmWorker,
        params: GenerationParams,
        terms: Callable[[str, str | None], set[object]],
    ) -> None:
        self._worker = worker
        self._params = replace(params, temperature=0.0, max_tokens=SUMMARY_TOKENS)
        self._terms = terms

    @staticmethod
    def needed(text: str) -> bool:
        return len(flat(text)) > LINE_CHARS

    async def summarise(self, text: str) -> str:
        """The checked summary, or the item's own first words when the model's is not."""
        language = guess_language(text)
        messages = [
            {"role": "system", "content": _SYSTEM},
            {
                "role": "user",
                "content": f"Item:\n{text[:4000]}\n\nOne short line, in "
                f"{_LANGUAGE_NAMES[language]}.",
            },
        ]
        said = "".join([piece async for piece in self._worker.stream(messages, self._params)])
        line = plain_text(said)
        if self.grounded(line, text, language):
            return line
        log.info("a summary the item does not support was replaced by its own words")
        return own_line(text)

    def grounded(self, line: str, source: str, language: str) -> bool:
        """Every number of the line is in the source, most of its words are, and it is in
        the source's language and shorter than it."""
        if not line or len(line) >= len(flat(source)) or not written_in(line, language):
            return False
        numbers = set(_NUMBER.findall(line))
        if not numbers <= set(_NUMBER.findall(source)):
            return False
        said = self._terms(line, language) - numbers
        if not said:
            return False
        held = self._terms(source, language)
        return len(said & held) / len(said) >= GROUNDED_SHARE
