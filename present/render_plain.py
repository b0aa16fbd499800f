"""What a terminal shows (the command line): plain text, no markup, in the same words as
the bot's (present.texts); a listing's dates as ISO days, for a reader who scripts around
them, a date inside a sentence as the language writes it."""

from __future__ import annotations

from datetime import date

from knowledge.domain.model import Reminder
from knowledge.services.answers.document_summaries import DocumentSummary
from knowledge.services.sending.digest import Digest
from knowledge.services.sending.reminder_states import local_due
from knowledge.services.words.reminder_days import Recurrence
from present.texts import counted, day_label, kind_name, t


def iso_day(day: date, language: str) -> str:
    """A day as its weekday in `language` and its ISO date: "Tue 2026-11-24",
    "вт 2026-11-24"."""
    return f"{t('weekday_names', language).split()[day.weekday()]} {day:%Y-%m-%d}"


def digest_plain(digest: Digest, language: str) -> str:
    """A day's digest: each item at its time with its kind, what the next day holds, the
    counts."""
    lines = [
        f"{item.at:%H:%M} {kind_name(item.kind, language)}: {item.line}" for item in digest.items
    ]
    if digest.tomorrow:
        tomorrow = day_label(digest.tomorrow.day, language)  # in a sentence: the language's way
        lines += ["", f"{t('digest_tomorrow', language)}, {tomorrow}:"]
        lines += [item.line for item in digest.tomorrow.items]
        lines += [f"⏰ {reminder.text}" for reminder in digest.tomorrow.reminders]
    counts = ", ".join(counted(f"count_{kind}", language, n) for kind, n in digest.counts.items())
    return "\n".join([*lines, "", counts])


def reminder_line(reminder: Reminder, language: str) -> str:
    """One reminder: "#3 Tue 2026-11-24 09:00 (Europe/Madrid, every Mon, Thu): call Ana"."""
    moment = local_due(reminder)
    at = f"{iso_day(moment.date(), language)} {moment:%H:%M}" if moment else "?"
    every = Recurrence.parse(reminder.every)
    if every is None:
        repeat = ""
    elif len(every.weekdays) == 7:
        repeat = t("cli_every_day", language)
    else:
        names = t("weekday_names", language).split()
        days = ", ".join(names[day] for day in every.weekdays)
        repeat = t("cli_every_weekdays", language, days=days)
    return t(
        "cli_reminder_line",
        language,
        id=reminder.id,
        at=at,
        zone=reminder.zone,
        every=repeat,
        task=reminder.text,
    )


def summary_plain(summary: DocumentSummary, language: str) -> str:
    """A document's summary: its name and pages, how far it is condensed when not yet in
    full, a line per section."""
    pages = f", {t('pages_short', language, pages=summary.pages)}" if summary.pages else ""
    lines = [f"{summary.name}{pages}"]
    if not summary.complete:
        lines.append(t("summary_partial", language, done=summary.done, total=summary.total))
    lines += [
        f"- {line.heading}: {line.line}" if line.heading else f"- {line.line}"
        for line in summary.lines
    ]
    return "\n".join(lines)
