"""Gathered answers and document summaries as Telegram HTML: a heading in the question's
language, then day by day (a long day in an expandable blockquote), each item with its time
and its own words; pages of PAGE_ITEMS items, the next one behind a "more" button."""

from __future__ import annotations

from datetime import date
from html import escape

from knowledge.services.answers.document_summaries import DocumentSummary
from knowledge.services.answers.gathering import PAGE_ITEMS, Found, Gathered
from knowledge.services.answers.prompting import NOT_IN_MEMORY, NOT_IN_MEMORY_ON
from knowledge.services.words.planning import Kind
from knowledge.services.words.timeframe import TimeFrame
from present.render import LIMIT, split_lines
from present.texts import counted, day_label, t, written_day, written_span

_ICONS = {"note": "📝", "voice": "🎙", "photo": "🖼", "document": "📄"}
LONG_DAY = 6  # items: a day with more is folded into an expandable quote


def gathered_pages(gathered: Gathered, language: str, interface: str | None = None) -> list[str]:
    """The answer as pages of HTML (the first is the reply, the rest come with "more"): its
    heading in the question's `language`, the day headers in the `interface` language."""
    days_in = interface or language
    head = heading(gathered, language)
    if not gathered.found:
        return [f"<b>{escape(head)}</b>"]
    pages: list[str] = []
    chunk: list[Found] = []
    for found in gathered.found:
        chunk.append(found)
        if len(chunk) == PAGE_ITEMS:
            pages += _page(chunk, days_in)
            chunk = []
    if chunk:
        pages += _page(chunk, days_in)
    pages[0] = f"<b>{escape(head)}</b>\n\n{pages[0]}"
    if len(pages[0]) > LIMIT:  # a heading on a full page: the heading goes alone
        pages[0:1] = [f"<b>{escape(head)}</b>", pages[0].split("\n\n", 1)[1]]
    return pages


def heading(gathered: Gathered, language: str) -> str:
    """What a gathered list is, in `language`: "3 items on Tuesday", a count, a sum."""
    plan = gathered.plan
    frame = plan.frame
    when = _when(frame, language) if frame else ""
    if not gathered.found:
        if frame is not None:
            return NOT_IN_MEMORY_ON[language].format(when=when)
        return NOT_IN_MEMORY[language]
    items = counted("gather_items", language, gathered.count)
    if gathered.unmatched:  # the day holds items, none about what was asked: all of them
        return t("gather_unmatched", language, when=when, items=items)
    span = when or t("gather_all_time", language)  # a count or a sum over no time named
    if plan.kind == Kind.COUNT:
        times = counted("gather_times", language, gathered.count)
        return t("gather_count", language, times=times, when=span)
    if plan.kind == Kind.SUM:
        totals = " + ".join(str(total) for total in gathered.totals) or "0"
        return t("gather_sum", language, total=totals, items=items, when=span)
    if plan.kind == Kind.SUBJECT:
        return t("gather_subject", language, subject=plan.subject, items=items)
    return t("gather_time", language, when=when, items=items)


def _when(frame: TimeFrame, language: str) -> str:
    """The range as `frame.describe()` gives it, its dates written in `language`; a part of
    a day named too ("Dec 3, 2026 (morning)", "2026年12月3日上午")."""
    if frame.period != "day":
        return written_span(frame.days[0], frame.days[-1], language)
    day = written_day(frame.start.date(), language)
    hours = frame.hours
    if hours is None:
        return day
    part = t("day_parts", language).split("|")[_DAY_PARTS.get(hours[0], 0)]
    return t("gather_day_part", language, day=day, part=part)


_DAY_PARTS = {5: 0, 12: 1, 18: 2, 0: 3}  # a part's first hour (words/calendar_words.py)


def _page(chunk: list[Found], language: str) -> list[str]:
    lines: list[str] = []
    days: dict[date, list[Found]] = {}
    for found in chunk:
        days.setdefault(found.day, []).append(found)
    for day, items in days.items():
        rows = [_row(found, language) for found in items]
        lines.append(f"<b>{escape(day_label(day, language))}</b>")
        if len(rows) > LONG_DAY:
            lines.append("<blockquote expandable>" + "\n".join(rows) + "</blockquote>")
        else:
            lines.extend(rows)
        lines.append("")
    return split_lines(lines)


def _row(found: Found, language: str) -> str:
    item = found.item
    amount = f" — <b>{escape(str(found.amount))}</b>" if found.amount else ""
    icon = _ICONS.get(item.kind, "•")
    row = f"{found.clock or '··:··'} {icon} {escape(found.line)}{amount}"
    if found.noted_on is None:
        return row
    month = t("months", language).split("|")[found.noted_on.month - 1]
    noted = t("date_short", language, day=found.noted_on.day, month=month)
    return f"{row} <i>(✎ {escape(noted)})</i>"


def summary_pages(summary: DocumentSummary | None, language: str) -> list[str]:
    if summary is None:
        return [escape(t("summary_no_document", language))]
    pages = f", {t('pages_short', language, pages=summary.pages)}" if summary.pages else ""
    lines = [f"<b>📄 {escape(summary.name)}{escape(pages)}</b>"]
    if not summary.complete:
        lines.append(escape(t("summary_partial", language, done=summary.done, total=summary.total)))
    lines.append("")
    for line in summary.lines:
        heading = f"<b>{escape(line.heading)}</b>: " if line.heading else "• "
        lines.append(f"{heading}{escape(line.line)}")
    return split_lines(lines)
