"""`mnemo outdated ID` (registered on the app in cli/main.py): say a note no longer holds, or
`--restore` it, in the user's language. The item stays in memory and in its day's list; a
question about the current value passes it over (knowledge/services/answers/versions.py).
The id is the one `mnemo list` and an answer's quotes (`#ID`) show; only the user's own."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.console import UserOpt, language_of, out, reported_errors, services
from present.texts import t


def outdated_command(
    doc_id: Annotated[int, typer.Argument(help="The item's id (mnemo list, #ID under a quote).")],
    user: UserOpt,
    restore: Annotated[
        bool, typer.Option("--restore", help="It holds again: undo the mark.")
    ] = False,
) -> None:
    """Mark one of a user's notes outdated (no longer the current value), or restore it."""
    with services() as svc, reported_errors(language := language_of(svc, user)):
        change = svc.outdated.restore if restore else svc.outdated.mark
        doc = change(user, doc_id)
    key = "outdated_restored" if restore else "outdated_marked"
    out.print(t(key, language, what=f"#{doc.id} “{doc.name}”"), markup=False, highlight=False)
