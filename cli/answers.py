"""What the command line prints for a question or a recording: the answer with the lines of
memory that back it, a gathered list, a summary, in the question's language (or --lang);
a recording heard first, then answered or kept (knowledge/services/door/inbound.py decides)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from cli.console import out
from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.asking import AskEvent, Summarised
from knowledge.services.answers.gathering import PAGE_ITEMS, Gathered
from knowledge.services.door.arrival import Arrival, Meant, Question, Refused
from present.render_gathered import heading
from present.render_plain import summary_plain
from present.texts import day_label, kind_name, source_label, t


async def print_answer(
    svc: Services,
    user: int,
    question: str,
    with_history: bool,
    show_all: bool = False,
    language: str | None = None,
) -> None:
    """The checked answer, then the lines of memory that back it (or the nearest ones); a
    gathered list day by day (PAGE_ITEMS items unless `show_all`); a document's summary.

    The model's text is not streamed here: an answer no evidence backs is replaced, and a
    terminal cannot take back what it printed.
    """
    arrival = Arrival(user, question, meant=Meant.QUESTION)
    outcome = await svc.inbound.receive(arrival, with_history=with_history, condense_missing=True)
    if isinstance(outcome, Refused):
        raise outcome.error
    assert isinstance(outcome, Question)  # meant as one: nothing is kept
    await print_events(outcome.answer(), None if show_all else PAGE_ITEMS, language)


async def print_events(
    events: AsyncIterator[AskEvent], limit: int | None, language: str | None = None
) -> None:
    """The answer's events, printed in the question's language (or `language`)."""
    async for event in events:
        if isinstance(event, Gathered):
            _print_gathered(event, limit, language or event.plan.language)
        elif isinstance(event, Summarised):
            said = language or event.plan.language
            text = (
                summary_plain(event.summary, said)
                if event.summary
                else t("summary_no_document", said).split(";")[0] + "."
            )
            out.print(text, markup=False, highlight=False)
        elif isinstance(event, Answer):
            said = language or event.language
            out.print(event.text, markup=False)
            if event.quotes:
                words = t("from_memory" if event.found else "closest", said)
                out.print(f"[dim]{_without_icon(words)}[/dim]")
            for quote in event.quotes:
                out.print(f"  > {quote.text}", markup=False, highlight=False)
                label = source_label(quote.hit, said)  # #ID: for `mnemo outdated ID`
                out.print(f"    — {label} · #{quote.hit.doc_id}", markup=False, style="dim")


def _without_icon(text: str) -> str:
    """The bot's words without their leading emoji, for a terminal."""
    first, _, rest = text.partition(" ")
    return rest if rest and not any(ch.isalnum() for ch in first) else text


def _print_gathered(gathered: Gathered, limit: int | None, language: str) -> None:
    """The heading, then day by day each item at its time, its kind in `language`."""
    out.print(heading(gathered, language), markup=False, highlight=False)
    shown = 0
    for day, items in gathered.by_day():
        out.print(day_label(day, language), markup=False, highlight=False)
        for found in items:
            if limit is not None and shown >= limit:
                more = t("cli_more", language, n=gathered.count - shown)
                out.print(more, markup=False, highlight=False)
                return
            amount = f" [{found.amount}]" if found.amount else ""
            noted = f" (✎ {found.noted_on:%m-%d})" if found.noted_on else ""
            kind = kind_name(found.item.kind, language)
            row = f"  {found.clock or '--:--'} {kind}: {found.line}{amount}{noted}"
            out.print(row, markup=False, highlight=False)
            shown += 1
