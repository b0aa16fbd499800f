"""What every `mnemo` command shares: the consoles, errors as one line in the user's
language, the core built once per command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from knowledge.bootstrap import Services, bootstrap
from knowledge.domain.errors import MnemoError
from knowledge.settings import Settings
from present.texts import TEXTS, error_text, t

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

UserOpt = Annotated[int, typer.Option("--user", "-u", help="The user whose memory to use.")]


def language_of(svc: Services, user: int) -> str:
    """The language `user` reads, as the bot speaks to them: their profile's (/settings in
    the bot), English for someone mnemo has not met (no profile is made for them)."""
    return svc.profiles.language_of(user)


def error_said(error: MnemoError, language: str) -> str:
    """A core error in `language`. In English, the core's own words (the log's too); in
    another, the bot's words for its code (the command line's own where the bot's name a
    Telegram command); an operator's problem (a missing model, a server down), which the
    bot words as its own fault, as the core says it, behind a sentence in `language`."""
    if language == "en":
        return str(error)
    if f"cli_err_{error.code}" in TEXTS:
        return t(f"cli_err_{error.code}", language, **error.params)
    if f"err_{error.code}" in TEXTS:
        return error_text(error, language)
    return t("cli_err_other", language, detail=str(error))


@contextmanager
def reported_errors(language: str = "en", prefix: str = "") -> Iterator[None]:
    """Turn a MnemoError into a one-line message in `language` and exit status 1."""
    try:
        yield
    except MnemoError as exc:
        said = escape(error_said(exc, language))
        err.print(f"{prefix}[red]{t('cli_error', language)}[/red] {said}")
        raise typer.Exit(1) from exc


@contextmanager
def services() -> Iterator[Services]:
    """The core built and started (the database migrated, missing vectors embedded)."""
    with reported_errors():
        built = bootstrap(Settings())
    try:
        with reported_errors():
            built.start()
        yield built
    finally:
        built.close()
