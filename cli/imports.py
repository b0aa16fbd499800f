"""`mnemo import`: a Telegram export, a note folder or a mnemo export brought into a
user's memory, with a progress bar and a report in the user's language (registered on the
app in cli/main.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.console import UserOpt, err, language_of, reported_errors, services
from cli.door import arrive, imported
from cli.reports import print_report
from knowledge.domain.model import ImportOptions
from knowledge.services.door.arrival import Arrival, ImportAsked, Upload
from present.texts import t


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
        bool,
        typer.Option(
            "--all-senders",
            help="Keep every sender's messages, not only yours, each with who said it.",
        ),
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
