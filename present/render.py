"""Telegram HTML rendering: everything escaped, long text split under the 4096 limit."""

from __future__ import annotations

from datetime import date
from html import escape

from knowledge.services.answers.answering import Answer
from knowledge.services.answers.evidence import Evidence
from knowledge.services.sending.digest import Coming, Digest
from knowledge.services.sending.reminder_states import local_due
from present.texts import counted, day_label, source_label, t, written_day

LIMIT = 4096
_ROOM = 3300  # leaves space for the quoted lines under the answer on the last part
EXPANDABLE_CHARS = 300
QUOTE_CHARS = 700


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


def quotes_html(answer: Answer) -> str:
    """The lines of the user's memory under an answer, in a blockquote (expandable when
    long): what backs it, or, when memory does not hold the answer, the nearest things."""
    if not answer.quotes:
        return ""
    heading = t("from_memory" if answer.found else "closest", answer.language)
    return f"<b>{escape(heading)}</b>\n" + _blockquote(answer.quotes, answer.language)


def _blockquote(quotes: list[Evidence], language: str) -> str:
    body = "\n".join(
        f"{escape(_clip(q.text))}\n— <i>{escape(source_label(q.hit, language))}</i>" for q in quotes
    )
    expandable = " expandable" if len(body) > EXPANDABLE_CHARS else ""
    return f"<blockquote{expandable}>{body}</blockquote>"


def _clip(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def search_results(found: list[Evidence], language: str) -> str:
    """/search: each matching passage by its best sentences, with its source."""
    if not found:
        return escape(t("no_matches", language))
    blocks = []
    for rank, item in enumerate(found, start=1):
        label = source_label(item.hit, language)
        blocks.append(f"<b>[{rank}] {escape(label)}</b>\n{escape(item.text)}")
    return "\n\n".join(blocks)


_ICONS = {"note": "📝", "voice": "🎙", "photo": "🖼", "link": "🔗", "document": "📄"}
_PARTS = ((0, "part_night"), (6, "part_morning"), (12, "part_afternoon"), (18, "part_evening"))


def digest_html(digest: Digest | None, day: date, language: str) -> list[str]:
    """A day's digest as Telegram HTML messages: the frame (heading, counts, parts of the
    day) in the interface language, every item with its time in its own words; split
    between lines past the length limit."""
    header = f"<b>{escape(t('digest_header', language, day=written_day(day, language)))}</b>"
    if digest is None:
        return [f"{header}\n\n{escape(t('digest_empty', language))}"]
    counts = ", ".join(counted(f"count_{kind}", language, n) for kind, n in digest.counts.items())
    lines = [header, escape(counts or t("digest_empty", language))]
    part = None
    for item in digest.items:
        current = [key for start, key in _PARTS if item.at.hour >= start][-1]
        if current != part:
            part = current
            lines += ["", f"<b>{escape(t(part, language))}</b>"]
        lines.append(f"{item.at:%H:%M} {_ICONS.get(item.kind, '•')} {escape(item.line)}")
    if digest.tomorrow:
        lines += ["", f"<b>{escape(t('digest_tomorrow', language))}</b>"]
        lines += coming_lines(digest.tomorrow)
    return split_lines(lines)


def coming_lines(coming: Coming) -> list[str]:
    """What a day holds: its reminders at their times, then the items that name it."""
    lines = []
    for reminder in coming.reminders:
        moment = local_due(reminder)
        at = f"{moment:%H:%M} " if moment is not None else ""
        lines.append(f"{at}⏰ {escape(reminder.text)}")
    lines += [f"{_ICONS.get(item.kind, '•')} {escape(item.line)}" for item in coming.items]
    return lines


def brief_html(coming: Coming, language: str) -> list[str]:
    """The morning brief: today's reminders and the items that name today."""
    header = f"<b>{escape(t('brief_header', language, day=day_label(coming.day, language)))}</b>"
    return split_lines([header, "", *coming_lines(coming)])


def week_html(days: list[Digest], first: date, last: date, language: str) -> list[str]:
    """/digest week: the days that have items, each under its date, a long one folded."""
    header = t(
        "digest_week_header",
        language,
        first=written_day(first, language),
        last=written_day(last, language),
    )
    lines = [f"<b>{escape(header)}</b>"]
    if not days:
        return [f"{lines[0]}\n\n{escape(t('digest_empty', language))}"]
    for digest in days:
        rows = [
            f"{item.at:%H:%M} {_ICONS.get(item.kind, '•')} {escape(item.line)}"
            for item in digest.items
        ]
        lines += ["", f"<b>{escape(day_label(digest.day, language))}</b>"]
        if len(rows) > FOLDED_DAY:
            lines.append("<blockquote expandable>" + "\n".join(rows) + "</blockquote>")
        else:
            lines += rows
    return split_lines(lines)


FOLDED_DAY = 6  # a day of more items is folded into an expandable quote


def split_lines(lines: list[str], limit: int = LIMIT) -> list[str]:
    """Whole lines (each complete HTML) joined into messages of at most `limit` characters."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            parts.append("\n".join(current).strip("\n"))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        parts.append("\n".join(current).strip("\n"))
    return parts
