"""The command line's one call into the core, as the bot's: an `Arrival` (a note, a file,
a recording, an import) through the door (knowledge/services/door/inbound.py), then its
outcome printed. Work the door starts beside its caller (a digest line, a document's
sections) is stopped when the call returns: the command exits, and that work is done later
(the evening digest, the bot's next start)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rich.markup import escape

from cli.answers import print_events
from cli.console import err, error_said, out
from cli.reports import print_report
from knowledge.bootstrap import Services
from knowledge.domain.errors import MnemoError
from knowledge.services.door.arrival import (
    Arrival,
    Imported,
    Kept,
    Outcome,
    Question,
    Refused,
    Stored,
    heard_of,
)
from present.texts import t


async def arrive(svc: Services, arrival: Arrival, **options: Any) -> Outcome:
    """One arrival through the door; what it started beside the call is stopped."""
    try:
        return await svc.inbound.receive(
            arrival, with_history=False, condense_missing=True, **options
        )
    finally:
        await svc.background.stop()


async def print_file(svc: Services, arrival: Arrival, **options: Any) -> bool:
    """A file through the door, as `mnemo ingest` shows it: read, heard (a spoken question
    answered), or refused. False when it was refused."""
    assert arrival.upload is not None
    name = arrival.upload.name
    outcome = await arrive(svc, arrival, **options)
    language = outcome.profile.language
    if isinstance(outcome, Refused):
        where = arrival.upload.path or name  # as the user named it
        err.print("[red]✗[/red] " + escape(f"{where}: {error_said(outcome.error, language)}"))
        return False
    heard = heard_of(outcome)
    if heard is not None:
        out.print(f"🎙 “{heard.text}”", markup=False, highlight=False)
    if isinstance(outcome, Question):
        await print_events(outcome.answer(), None)
    elif isinstance(outcome, Kept):
        result = outcome.result
        said = "cli_voice_already" if result.duplicate else "cli_voice_kept"
        out.print(t(said, language, name=name, id=result.doc_id), markup=False)
    elif isinstance(outcome, Stored):
        _print_stored(outcome, language)
    elif isinstance(outcome, Imported):  # an export given as a file: imported, as the bot does
        print_report(outcome.report, language)
    return True


def _print_stored(outcome: Stored, language: str) -> None:
    result, name = outcome.result, outcome.name
    if result.duplicate:
        out.print(t("cli_already", language, name=name, id=result.doc_id), markup=False)
        return
    pages = t("cli_pages", language, pages=result.pages) if result.pages else ""
    ingested = {"pages": pages, "chunks": result.chunks, "seconds": result.seconds}
    said = t("cli_ingested", language, name=name, id=result.doc_id, kind=result.kind, **ingested)
    out.print(said, markup=False)
    if result.kind == "image":
        read = " ".join(result.excerpt.split()) or t("cli_no_text", language)
        out.print(t("cli_read", language, text=read), markup=False)


def print_note(outcome: Outcome) -> None:
    """A note through the door, as `mnemo note` shows it: kept (and the page of its link
    read, or why not), or refused (raised, for the caller's error report)."""
    if isinstance(outcome, Refused):
        raise outcome.error
    assert isinstance(outcome, Kept), "a note meant as one is kept or refused"
    result, language = outcome.result, outcome.profile.language
    said = "cli_note_already" if result.duplicate else "cli_note_saved"
    out.print(t(said, language, id=result.doc_id), markup=False)
    link = outcome.link
    if link is not None and link.result is not None:
        site = urlsplit(link.url).hostname or link.url
        page = {"site": site, "name": link.result.name, "id": link.result.doc_id}
        out.print(t("cli_link_read", language, **page), markup=False)
    elif link is not None and link.error is not None:
        failed = escape(t("cli_link_failed", language))
        err.print(f"[yellow]{failed}[/yellow] {escape(error_said(link.error, language))}")


def imported(outcome: Outcome) -> Imported:
    """An import's outcome; a refusal raised, for the caller's error report."""
    if isinstance(outcome, Refused):
        raise outcome.error
    if not isinstance(outcome, Imported):
        raise MnemoError("that is not something to import", "not_an_import")
    return outcome
