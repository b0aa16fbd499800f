"""Telegram HTML rendering: everything escaped, long text split under the 4096 limit."""

from __future__ import annotations

from html import escape

from bot.texts import t
from knowledge.answering import Answer
from knowledge.model import Hit

LIMIT = 4096
_ROOM = 3900  # leaves space for the sources footer on the last part


def split_text(text: str, limit: int = _ROOM) -> list[str]:
    """Split raw text into parts whose *escaped* form fits, at line or word breaks."""
    parts: list[str] = []
    rest = text
    while len(escape(rest)) > limit:
        cut = limit
        while len(escape(rest[:cut])) > limit:
            cut -= 50
        window = rest[:cut]
        brk = max(window.rfind("\n"), window.rfind(" "))
        cut = brk if brk > cut // 2 else cut
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts


def answer_footer(answer: Answer, language: str) -> str:
    lines = []
    if answer.unsupported:
        lines.append(f"<i>{escape(t('unsupported_answer', language))}</i>")
    if answer.sources:
        lines.append(f"<b>{escape(t('sources', language))}:</b>")
        lines += [f"<i>{escape(cited.label())}</i>" for cited in answer.sources]
    return "\n".join(lines)


def search_results(hits: list[Hit], language: str) -> str:
    if not hits:
        return escape(t("no_matches", language))
    blocks = []
    for rank, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.text.split())[:400]
        blocks.append(f"<b>[{rank}] {escape(hit.label())}</b>\n{escape(snippet)}")
    return "\n\n".join(blocks)
