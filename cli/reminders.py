"""`mnemo remind` and `mnemo reminders`: set a reminder in words, list what is coming and
cancel one (registered on the app in cli/main.py), in the user's language. The bot sends
them when they are due."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.console import UserOpt, err, language_of, out, reported_errors, services
from present.render_plain import reminder_line
from present.texts import t


def remind_command(
    text: Annotated[str, typer.Argument(help="e.g. “remind me tomorrow at 9 to call Ana”.")],
    user: UserOpt,
) -> None:
    """Set a reminder from words, in the user's timezone (/timezone in the bot)."""
    with services() as svc, reported_errors(language := language_of(svc, user)):
        request = svc.reminders.read(user, text)
        if request is None:
            request = svc.reminders.read(user, f"remind me {text}")
        if request is None:
            err.print("✗ " + t("cli_remind_not_asked", language), markup=False)
            raise typer.Exit(1)
        if request.problem is not None:
            options = ", ".join(f"{o:%Y-%m-%d %H:%M}" for o in request.options)
            problem = t(f"cli_remind_{request.problem}", language)
            err.print(f"✗ {problem}" + (f" ({options})" if options else ""), markup=False)
            raise typer.Exit(1)
        asked = svc.reminders.ask(user, request)
    line = reminder_line(asked.reminder, language)
    out.print(t("cli_reminder_set", language, line=line), markup=False, highlight=False)


def reminders_command(
    user: UserOpt,
    cancel: Annotated[int | None, typer.Option(help="Cancel the reminder with this id.")] = None,
) -> None:
    """List a user's coming reminders (soonest first), or cancel one."""
    with services() as svc, reported_errors(language := language_of(svc, user)):
        if cancel is not None:
            cancelled = svc.reminders.cancel(user, cancel)
            if cancelled is None:
                missing = t("cli_reminder_not_found", language, id=cancel, user=user)
                err.print(f"✗ {missing}", markup=False)
                raise typer.Exit(1)
            line = reminder_line(cancelled, language)
            out.print(t("cli_reminder_cancelled", language, line=line), markup=False)
            return
        coming = svc.reminders.coming(user)
    if not coming:
        out.print(t("cli_reminders_none", language), markup=False)
    for reminder in coming:
        out.print(reminder_line(reminder, language), markup=False, highlight=False)
