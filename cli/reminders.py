"""`mnemo remind` and `mnemo reminders`: set a reminder in words, list what is coming and
cancel one (registered on the app in cli/main.py). The bot sends them when they are due."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.console import UserOpt, err, out, reported_errors, services
from knowledge.domain.model import Reminder
from knowledge.services.sending.reminders import local_due

PROBLEMS = {
    "no_time": "no time given: say when, e.g. “tomorrow at 9” or “in 20 minutes”",
    "ambiguous": "morning or evening? say it with the hour, e.g. 17:00",
    "past": "that time has already passed",
}


def remind_command(
    text: Annotated[str, typer.Argument(help="e.g. “remind me tomorrow at 9 to call Ana”.")],
    user: UserOpt,
) -> None:
    """Set a reminder from words, in the user's timezone (/timezone in the bot)."""
    with services() as svc, reported_errors():
        request = svc.reminders.read(user, text)
        if request is None:
            request = svc.reminders.read(user, f"remind me {text}")
        if request is None:
            err.print("✗ that does not ask for a reminder, e.g. “remind me tomorrow at 9 to …”")
            raise typer.Exit(1)
        if request.problem is not None:
            options = ", ".join(f"{o:%Y-%m-%d %H:%M}" for o in request.options)
            err.print(f"✗ {PROBLEMS[request.problem]}" + (f" ({options})" if options else ""))
            raise typer.Exit(1)
        asked = svc.reminders.ask(user, request)
    out.print(f"⏰ set: {_line(asked.reminder)}", markup=False, highlight=False)


def reminders_command(
    user: UserOpt,
    cancel: Annotated[int | None, typer.Option(help="Cancel the reminder with this id.")] = None,
) -> None:
    """List a user's coming reminders (soonest first), or cancel one."""
    with services() as svc, reported_errors():
        if cancel is not None:
            cancelled = svc.reminders.cancel(user, cancel)
            if cancelled is None:
                err.print(f"✗ no reminder {cancel} of user {user}")
                raise typer.Exit(1)
            out.print(f"✖ cancelled: {_line(cancelled)}", markup=False, highlight=False)
            return
        coming = svc.reminders.coming(user)
    if not coming:
        out.print("No reminders coming.")
    for reminder in coming:
        out.print(_line(reminder), markup=False, highlight=False)


def _line(reminder: Reminder) -> str:
    moment = local_due(reminder)
    at = f"{moment:%a %Y-%m-%d %H:%M}" if moment else "?"
    every = f", {reminder.every}" if reminder.every else ""
    return f"#{reminder.id} {at} ({reminder.zone}{every}): {reminder.text}"
