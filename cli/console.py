"""What every `mnemo` command shares: the consoles, errors as one line, the core built
once per command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from knowledge.bootstrap import Services, bootstrap
from knowledge.domain.errors import MnemoError
from knowledge.settings import Settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

UserOpt = Annotated[int, typer.Option("--user", "-u", help="The user whose memory to use.")]


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
