"""`mnemo backup` and `mnemo restore`: a whole install in one verifiable archive, and back
into a new data dir (registered on the app in cli/main.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.console import err, out, reported_errors, services
from knowledge.bootstrap import restore
from knowledge.services.keeping.memory import human_size
from knowledge.settings import Settings


def backup_command(
    dest: Annotated[
        Path, typer.Argument(help="A folder (a dated archive is written in it) or a .tar file.")
    ],
    keep: Annotated[
        int | None, typer.Option(min=1, help="Keep only this many backups in the folder.")
    ] = None,
) -> None:
    """Back up the whole install: databases (SQLite's online backup, or pg_dump), the
    embedded vector store, the originals, a manifest of checksums. While the bot runs, it
    takes its own (MNEMO_BACKUP_DIR, or /backup from an admin)."""
    with services() as svc, reported_errors():
        written = svc.backups.create(dest, keep=keep)
    vectors = "" if written.vectors else " (vectors are rebuilt from SQL on restore)"
    out.print(
        f"✓ {written.path}: {written.files} files, {human_size(written.size_bytes)}, "
        f"{written.seconds:.1f} s{vectors}"
    )


def restore_command(
    archive: Annotated[Path, typer.Argument(help="A backup written by mnemo backup.")],
) -> None:
    """Restore a backup into an empty data dir (MNEMO_DATA_DIR; installed models may already
    be there), verified by its checksums, the doctor and sample searches."""
    settings = Settings()
    with reported_errors():
        restored = restore(archive, settings)
    manifest = restored.manifest
    out.print(
        f"✓ restored {manifest.get('documents')} documents and {manifest.get('chunks')} chunks "
        f"of {manifest.get('users')} users into {settings.data_dir}"
    )
    for finding in restored.findings:
        out.print(f"• {finding}")
    check = restored.check
    out.print(f"✓ sample searches: {check.found} of {check.tried} found their document")
    if check.found < check.tried:
        err.print("[yellow]some sample searches missed: run mnemo doctor[/yellow]")
        raise typer.Exit(1)
