"""The `mnemo` command line: ingest, search, ask, chat, list and forget, manage models."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cli import admin, backups, imports, outdated, reminders
from cli.answers import print_answer
from cli.console import UserOpt, err, error_said, language_of, out, reported_errors, services
from cli.door import arrive, print_file, print_note
from knowledge.adapters.permissions import private_umask
from knowledge.domain.errors import MnemoError
from knowledge.domain.languages import LANGUAGES
from knowledge.domain.ports import Progress as ProgressPort
from knowledge.domain.search import SearchMode
from knowledge.services.door.arrival import Arrival, Meant, Upload
from knowledge.services.keeping.memory import human_size
from knowledge.services.llm.fair_queue import ASKED
from knowledge.services.sending.digest import WEEK_DAYS
from present.render_plain import digest_plain, iso_day
from present.texts import counted, source_label, t

log = logging.getLogger("mnemo")
# No locals in tracebacks: they would show settings (the bot token) and what users sent.
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=__doc__,
    pretty_exceptions_show_locals=False,
)
TOKEN_HELP = """No TELEGRAM_BOT_TOKEN is set, so the Telegram bot cannot start.

To get a token: open Telegram, talk to @BotFather, send /newbot and follow its questions;
it replies with a token like 123456:ABC-DEF... Then put it in .env:

    TELEGRAM_BOT_TOKEN=123456:ABC-DEF...

Meanwhile everything works from the command line:

    .venv/bin/mnemo ingest ~/books/manual.pdf --user 1
    .venv/bin/mnemo chat --user 1
"""


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False,
) -> None:
    private_umask()  # whatever a command writes (data dir, models, exports) is owner-only
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files to remember.")],
    user: UserOpt,
) -> None:
    """Read files into a user's memory (PDF, DOCX, TXT, Markdown, HTML, EPUB, images)."""
    failed = 0
    with services() as svc:
        language = language_of(svc, user)
        for path in paths:
            if not path.is_file():
                err.print("[red]✗[/red] " + escape(t("cli_no_such_file", language, path=path)))
                failed += 1
                continue
            upload = Upload(path.name, path=path, recording=None)  # audio is heard
            try:
                with _progress(path.name) as report:
                    read = asyncio.run(
                        print_file(svc, Arrival(user, upload=upload), progress=report)
                    )
            except Exception:
                log.exception("ingest of %s failed unexpectedly", path)
                err.print("[red]✗[/red] " + escape(t("cli_unreadable", language, path=path)))
                read = False
            failed += not read
    if failed:
        raise typer.Exit(1)


@contextmanager
def _progress(name: str) -> Iterator[ProgressPort]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(name, total=None)

        def report(message: str, done: int, total: int) -> None:
            bar.update(task, description=f"{name}: {message}", completed=done, total=total)

        yield report


@app.command()
def search(
    query: str,
    user: UserOpt,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many matches.")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or sparse.")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Added on or after (UTC).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Added before (UTC).")
    ] = None,
) -> None:
    """Show the best matching passages of a user's memory (no LLM)."""
    if mode not in ("hybrid", "dense", "sparse"):
        err.print("[red]error:[/red] --mode must be hybrid, dense or sparse")
        raise typer.Exit(2)
    search_mode = cast(SearchMode, mode)  # checked just above
    window = {
        "since": since.replace(tzinfo=UTC) if since else None,
        "until": until.replace(tzinfo=UTC) - timedelta(microseconds=1) if until else None,
    }
    with services() as svc:
        language = language_of(svc, user)
        hits = svc.retriever.search(user, query, k=k, mode=search_mode, **window)
    if as_json:
        rows = [
            {
                "doc": h.doc_id,
                "name": h.doc_name,
                "page": h.page,
                "heading": h.heading,
                "chunk": h.chunk,
                "score": h.score,
                "text": h.text,
            }
            for h in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not hits:
        out.print(t("cli_no_matches", language))
    for rank, hit in enumerate(hits, start=1):
        label = escape(f"[{rank}] {source_label(hit, language)}")
        where = escape(t("cli_hit", language, id=hit.doc_id, score=hit.score))
        out.print(f"[bold]{label}[/bold]  {where}")
        out.print("    " + " ".join(hit.text.split())[:300])


@app.command()
def ask(
    question: str,
    user: UserOpt,
    show_all: Annotated[
        bool, typer.Option("--all", help="A gathered list in full, not its first page.")
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Words around the answer in en, ru, es or zh (default: the question's language).",
        ),
    ] = None,
) -> None:
    """Answer a question from a user's memory, with the lines of memory that back it; a day,
    a subject, a count or a sum as the list of items; a document's summary."""
    if lang is not None and lang not in LANGUAGES:
        err.print("[red]error:[/red] --lang must be en, ru, es or zh")
        raise typer.Exit(2)
    with services() as svc, reported_errors(language_of(svc, user)):
        asyncio.run(
            print_answer(svc, user, question, with_history=False, show_all=show_all, language=lang)
        )


@app.command()
def chat(user: UserOpt) -> None:
    """Talk with your memory; recent turns are remembered. Ctrl-D or 'exit' to leave."""
    with services() as svc:
        language = language_of(svc, user)
        out.print(t("cli_chat_intro", language), markup=False)
        while True:
            try:
                question = input(t("cli_chat_prompt", language)).strip()
            except (EOFError, KeyboardInterrupt):
                out.print()
                break
            if question.lower() in ("exit", "quit"):
                break
            if not question:
                continue
            try:
                asyncio.run(print_answer(svc, user, question, with_history=True))
            except MnemoError as exc:
                said = escape(error_said(exc, language))
                err.print(f"[red]{t('cli_error', language)}[/red] {said}")
            except KeyboardInterrupt:
                out.print("\n" + t("cli_stopped", language), markup=False)


@app.command()
def note(
    text: str,
    user: UserOpt,
    no_fetch: Annotated[
        bool, typer.Option("--no-fetch", help="Keep a link as words; do not read its page.")
    ] = False,
) -> None:
    """Save a short note to a user's memory (a link in it is read and kept beside it, as the
    bot does, unless --no-fetch)."""
    arrival = Arrival(user, text, meant=Meant.NOTE, fetch_links=not no_fetch)
    with services() as svc, reported_errors(language_of(svc, user)):
        print_note(asyncio.run(arrive(svc, arrival)))


@app.command()
def docs(user: UserOpt) -> None:
    """List what a user has stored."""
    with services() as svc:
        language = language_of(svc, user)
        documents = svc.memory.documents(user)
    if not documents:
        out.print(t("cli_docs_empty", language))
        return
    table = Table(*t("cli_docs_columns", language).split("|"))
    for d in documents:
        table.add_row(
            str(d.id),
            d.name,
            d.kind,
            str(d.pages or ""),
            str(d.chunks),
            human_size(d.size_bytes),
            f"{d.created_at:%Y-%m-%d %H:%M}",
            d.status,
        )
    out.print(table)


@app.command()
def forget(doc_id: int, user: UserOpt) -> None:
    """Delete one document from a user's memory: its file, vectors and rows."""
    with services() as svc, reported_errors(language := language_of(svc, user)):
        name = svc.memory.forget(user, doc_id)
    out.print(t("cli_forgotten", language, id=doc_id, name=name), markup=False)


@app.command()
def export(
    user: UserOpt,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The zip to write (default: mnemo-export-USER.zip)."),
    ] = None,
) -> None:
    """Write everything of a user (originals, notes, metadata) to one zip, of any size."""
    target = out_path or Path(f"mnemo-export-{user}.zip")
    with services() as svc, reported_errors(language := language_of(svc, user)):
        svc.memory.export(user, target.resolve())
        count = len(svc.memory.documents(user))
    documents = counted("count_document", language, count)
    size = human_size(target.stat().st_size)
    out.print(t("cli_exported", language, path=target, documents=documents, size=size))


@app.command()
def digest(
    user: UserOpt,
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="A local day (default: today)."),
    ] = None,
    week: Annotated[
        bool, typer.Option("--week", help="The seven days ending that day, day by day.")
    ] = False,
) -> None:
    """Print the digest of one day (or, with --week, a week) of a user's memory."""
    with services() as svc, reported_errors(language := language_of(svc, user)):
        schedule = svc.digests.schedule(user)
        local_day = day.date() if day else schedule.today(datetime.now(UTC))
        if week:
            days = asyncio.run(svc.digests.week(user, local_day, priority=ASKED))
            first = local_day - timedelta(days=WEEK_DAYS - 1)
            span = {"first": f"{first:%Y-%m-%d}", "last": f"{local_day:%Y-%m-%d}"}
            out.print(t("cli_week", language, **span, zone=schedule.timezone), markup=False)
            for one in days:
                out.print("\n" + iso_day(one.day, language), style="bold", markup=False)
                out.print(digest_plain(one, language), markup=False, highlight=False)
            if not days:
                out.print(t("cli_week_empty", language), markup=False)
            return
        today = schedule.today(datetime.now(UTC))
        ahead = local_day == today  # today's digest ends with what tomorrow holds
        result = asyncio.run(svc.digests.digest(user, local_day, priority=ASKED, ahead=ahead))
    if result is None:
        empty = t("cli_day_empty", language, day=f"{local_day:%Y-%m-%d}", zone=schedule.timezone)
        out.print(empty, markup=False)
    else:
        out.print(digest_plain(result, language), markup=False, highlight=False)


@app.command()
def run() -> None:
    """Run the Telegram bot (needs TELEGRAM_BOT_TOKEN); stops cleanly on SIGINT/SIGTERM."""
    from bot.app import run_bot
    from bot.settings import BotSettings

    settings = BotSettings()
    if not settings.telegram_bot_token:
        out.print(TOKEN_HELP)
        return

    with reported_errors():
        run_bot(settings)


app.command("import")(imports.import_command)
app.command("backup")(backups.backup_command)
app.command("restore")(backups.restore_command)
app.command("remind")(reminders.remind_command)
app.command("reminders")(reminders.reminders_command)
app.command("outdated")(outdated.outdated_command)
# The operator's commands (cli/admin.py), listed after the users' own.
models_app = typer.Typer(help="List and install the local models.")
models_app.callback(invoke_without_command=True)(admin.models_list)
models_app.command("install")(admin.models_install)
models_app.command("probe")(admin.models_probe)
app.add_typer(models_app, name="models")
app.command()(admin.doctor)
app.command()(admin.index)
app.command("migrate-store")(admin.migrate_store_command)


def main() -> None:
    app()
