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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cli import admin, backups, imports, reminders
from cli.answers import listen, print_answer
from cli.console import UserOpt, err, out, reported_errors, services
from knowledge.adapters.permissions import private_umask
from knowledge.domain.errors import MnemoError
from knowledge.domain.ports import Progress as ProgressPort
from knowledge.domain.search import SearchMode
from knowledge.services.keeping.memory import human_size
from knowledge.services.llm.fair_queue import ASKED
from knowledge.services.sending.digest import WEEK_DAYS
from knowledge.services.upkeep.profiles import LANGUAGES

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
        for path in paths:
            if not path.is_file():
                err.print(f"[red]✗[/red] {path}: no such file")
                failed += 1
                continue
            try:
                if svc.ingestor.is_recording(path):
                    with _progress(path.name) as report:
                        asyncio.run(listen(svc, user, path, report))
                    continue
                with _progress(path.name) as report:
                    result = svc.ingestor.ingest_file(user, path, progress=report)
            except MnemoError as exc:
                log.info("ingest of %s failed: %s", path, exc)
                err.print(f"[red]✗[/red] {path}: {exc}")
                failed += 1
                continue
            except Exception:
                log.exception("ingest of %s failed unexpectedly", path)
                err.print(f"[red]✗[/red] {path}: could not be read (internal error, see log)")
                failed += 1
                continue
            if result.duplicate:
                out.print(f"= {path.name}: already in memory as document {result.doc_id}")
            else:
                pages = f"{result.pages} pages, " if result.pages else ""
                out.print(
                    f"✓ {path.name}: document {result.doc_id}, {result.kind}, {pages}"
                    f"{result.chunks} chunks, {result.seconds:.1f} s"
                )
                if result.kind == "image":
                    read = " ".join(result.excerpt.split()) or "(no text found)"
                    out.print(f"  read: {read}")
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
        out.print("Nothing in this memory matches.")
    for rank, hit in enumerate(hits, start=1):
        out.print(f"[bold][{rank}] {hit.label()}[/bold]  (doc {hit.doc_id}, score {hit.score:.3f})")
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
    with services() as svc, reported_errors():
        asyncio.run(
            print_answer(svc, user, question, with_history=False, show_all=show_all, language=lang)
        )


@app.command()
def chat(user: UserOpt) -> None:
    """Talk with your memory; recent turns are remembered. Ctrl-D or 'exit' to leave."""
    with services() as svc:
        out.print("mnemo chat: ask anything about your memory. Ctrl-D or 'exit' leaves.")
        while True:
            try:
                question = input("you> ").strip()
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
                err.print(f"[red]error:[/red] {exc}")
            except KeyboardInterrupt:
                out.print("\n(stopped)")


@app.command()
def note(text: str, user: UserOpt) -> None:
    """Save a short note to a user's memory."""
    with services() as svc, reported_errors():
        result = svc.ingestor.add_note(user, text)
    verb = "already in memory as" if result.duplicate else "saved as"
    out.print(f"Note {verb} document {result.doc_id}.")


@app.command()
def docs(user: UserOpt) -> None:
    """List what a user has stored."""
    with services() as svc:
        documents = svc.memory.documents(user)
    if not documents:
        out.print("This memory is empty.")
        return
    table = Table("id", "name", "kind", "pages", "chunks", "size", "added (UTC)", "status")
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
    with services() as svc, reported_errors():
        name = svc.memory.forget(user, doc_id)
    out.print(f"Forgot document {doc_id} ({name}).")


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
    with services() as svc, reported_errors():
        svc.memory.export(user, target.resolve())
        count = len(svc.memory.documents(user))
    size = human_size(target.stat().st_size)
    out.print(f"✓ {target}: {count} documents, {size}")


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
    with services() as svc, reported_errors():
        schedule = svc.digests.schedule(user)
        local_day = day.date() if day else schedule.today(datetime.now(UTC))
        if week:
            days = asyncio.run(svc.digests.week(user, local_day, priority=ASKED))
            first = local_day - timedelta(days=WEEK_DAYS - 1)
            out.print(f"Your week, {first:%Y-%m-%d} – {local_day:%Y-%m-%d} ({schedule.timezone})")
            for one in days:
                out.print(f"\n{one.day:%a %Y-%m-%d}", style="bold")
                out.print(one.plain(), markup=False, highlight=False)
            if not days:
                out.print("Nothing was added that week.")
            return
        today = schedule.today(datetime.now(UTC))
        ahead = local_day == today  # today's digest ends with what tomorrow holds
        result = asyncio.run(svc.digests.digest(user, local_day, priority=ASKED, ahead=ahead))
    if result is None:
        out.print(f"Nothing was added on {local_day:%Y-%m-%d} ({schedule.timezone}).")
    else:
        out.print(result.plain(), markup=False, highlight=False)


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
