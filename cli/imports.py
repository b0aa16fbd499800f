"""`mnemo import`: a Telegram export, a note folder or a mnemo export brought into a
user's memory, with a progress bar and a report (registered on the app in cli/main.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.console import UserOpt, err, out, reported_errors, services
from knowledge.domain.model import ImportOptions
from knowledge.services.keeping.importing import ImportReport

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
        task = bar.add_task(f"importing {path.name}", total=None)

        def shown(report: ImportReport) -> None:
            bar.update(task, completed=report.done, total=report.total)

        with reported_errors():
            report = svc.importer.run(user, path, options=options, prune=prune, progress=shown)
    print_report(report)


def print_report(report: ImportReport) -> None:
    kinds = {"telegram": "Telegram export", "folder": "folder", "mnemo-export": "mnemo export"}
    out.print(
        f"✓ {kinds.get(report.kind, report.kind)}: {report.added} added, "
        f"{report.already} already in memory"
        + (f", {report.replaced} changed and replaced" if report.replaced else "")
        + (f", {report.links} linked pages read" if report.links else "")
        + (f", {len(report.links_failed)} links not read" if report.links_failed else "")
        + (f", {report.skipped} skipped (service or others' messages)" if report.skipped else "")
        + f", {len(report.failed)} failed, in {report.seconds:.1f} s"
    )
    reminders = report.reminders
    if reminders.added or reminders.already or reminders.past or reminders.failed:
        out.print(
            f"⏰ reminders: {reminders.added} restored, {reminders.already} already here"
            + (f", {reminders.past} past their time (not restored)" if reminders.past else "")
            + (f", {len(reminders.failed)} unreadable" if reminders.failed else "")
        )
    for label, why in [*report.failed, *report.links_failed, *reminders.failed][:FAILURES_SHOWN]:
        err.print(f"  [yellow]✗[/yellow] {label}: {why}")
    unshown = len(report.failed) + len(report.links_failed) + len(reminders.failed) - FAILURES_SHOWN
    if unshown > 0:
        err.print(f"  … and {unshown} more (see the log with -v)")
    if report.gone:
        verb = "forgotten" if report.pruned else "no longer in the folder (forget with --prune)"
        out.print(f"{len(report.gone)} {verb}:")
        for name in report.gone[:FAILURES_SHOWN]:
            out.print(f"  - {name}")
