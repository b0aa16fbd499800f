"""`mnemo import`: a Telegram export, a note folder or a mnemo export brought into a
user's memory, with a progress bar and a report in the user's language (registered on the
app in cli/main.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.console import UserOpt, err, language_of, out, reported_errors, services
from cli.door import arrive, imported
from knowledge.domain.model import ImportOptions
from knowledge.services.door.arrival import Arrival, ImportAsked, Upload
from knowledge.services.keeping.importing import ImportReport
from present.texts import TEXTS, t

FAILURES_SHOWN = 20


def import_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="A Telegram Desktop export (its folder, a zip of it, or result.json), "
            "a folder of notes (an Obsidian vault), or a mnemo export zip."
        ),
    ],
    user: UserOpt,
    me: Annotated[
        int | None,
        typer.Option(help="Your Telegram id, when the export does not say which are yours."),
    ] = None,
    all_senders: Annotated[
        bool, typer.Option("--all-senders", help="Keep every sender's messages, not only yours.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Forget a folder's files that are no longer there.")
    ] = False,
) -> None:
    """Bring a memory in: each item keeps its own date; run again, only what is new is added
    (a folder is synced: changed files replaced, deleted ones listed, forgotten with --prune)."""
    options = ImportOptions(me=me if me is not None else user, all_senders=all_senders)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with services() as svc, Progress(*columns, console=err, transient=True) as bar:
        language = language_of(svc, user)
        task = bar.add_task(t("cli_importing", language, name=path.name), total=None)

        def shown(message: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        arrival = Arrival(
            user, upload=Upload(path.name, path=path), imports=ImportAsked(options, prune)
        )
        with reported_errors(language):
            report = imported(asyncio.run(arrive(svc, arrival, progress=shown))).report
    print_report(report, language)


def print_report(report: ImportReport, language: str = "en") -> None:
    """What was added, already there, replaced, read, skipped and failed; the reminders
    brought back; the first failures; a folder's files that are gone."""

    def said(key: str, **values: object) -> str:
        return t(key, language, **values)

    kind = f"cli_import_{report.kind.replace('-', '_')}"
    reminders = report.reminders
    failures = [*report.failed, *report.links_failed, *reminders.failed]
    out.print(
        said(
            "cli_imported",
            kind=said(kind) if kind in TEXTS else report.kind,
            added=report.added,
            already=report.already,
        )
        + (said("cli_import_replaced", n=report.replaced) if report.replaced else "")
        + (said("cli_import_links", n=report.links) if report.links else "")
        + (
            said("cli_import_links_failed", n=len(report.links_failed))
            if report.links_failed
            else ""
        )
        + (said("cli_import_skipped", n=report.skipped) if report.skipped else "")
        + said("cli_import_failed", n=len(report.failed), seconds=report.seconds),
        markup=False,
    )
    if reminders.added or reminders.already or reminders.past or reminders.failed:
        out.print(
            said("cli_import_reminders", added=reminders.added, already=reminders.already)
            + (said("cli_import_past", n=reminders.past) if reminders.past else "")
            + (said("cli_import_unreadable", n=len(reminders.failed)) if reminders.failed else ""),
            markup=False,
        )
    for label, why in failures[:FAILURES_SHOWN]:
        err.print(f"  [yellow]✗[/yellow] {escape(label)}: {escape(why)}")
    if len(failures) > FAILURES_SHOWN:
        err.print(said("cli_import_more", n=len(failures) - FAILURES_SHOWN), markup=False)
    if report.gone:
        gone = "cli_import_forgotten" if report.pruned else "cli_import_gone"
        out.print(said(gone, n=len(report.gone)), markup=False)
        for name in report.gone[:FAILURES_SHOWN]:
            out.print(f"  - {name}", markup=False)
