"""Entry point of the Telegram bot."""

from __future__ import annotations

import sys

from knowledge.settings import Settings


def run_bot(settings: Settings) -> None:
    """Start the bot. The Telegram adapter is not built yet (issue 3)."""
    sys.stderr.write(
        "The Telegram adapter is not part of this release yet; "
        "use `mnemo chat --user ID` meanwhile.\n"
    )
    raise SystemExit(1)
