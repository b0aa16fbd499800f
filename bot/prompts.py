"""The bot's own table: which of its messages asked "What's on this photo?" about which
photo, so that a reply to that message becomes the photo's description, and which asked
"When should I remind you?" about which reminder, so that a reply gives it its time.
Telegram's message ids stay here, out of the core (which only hears "this text labels
photo N" or "this text retimes reminder N").

A small SQLite file in the data folder, written through at once (a kill -9 loses nothing),
keyed by the user: a reply from anyone else finds nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class LabelPrompts:
    FILE = "bot-prompts.sqlite3"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS label_prompts ("
            " user_id INTEGER NOT NULL, message_id INTEGER NOT NULL, doc_id INTEGER NOT NULL,"
            " PRIMARY KEY (user_id, message_id))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS reminder_prompts ("
            " user_id INTEGER NOT NULL, message_id INTEGER NOT NULL,"
            " reminder_id INTEGER NOT NULL, PRIMARY KEY (user_id, message_id))"
        )

    def asked_when(self, user_id: int, message_id: int, reminder_id: int) -> None:
        """`message_id` asked `user_id` when to send reminder `reminder_id`."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO reminder_prompts VALUES (?, ?, ?)",
                (user_id, message_id, reminder_id),
            )

    def reminder_asked_in(self, user_id: int, message_id: int) -> int | None:
        with self._lock:
            row = self._db.execute(
                "SELECT reminder_id FROM reminder_prompts WHERE user_id = ? AND message_id = ?",
                (user_id, message_id),
            ).fetchone()
        return int(row[0]) if row else None

    def asked(self, user_id: int, message_id: int, doc_id: int) -> None:
        """`message_id` asked `user_id` what photo `doc_id` shows."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO label_prompts VALUES (?, ?, ?)",
                (user_id, message_id, doc_id),
            )

    def photo_asked_in(self, user_id: int, message_id: int) -> int | None:
        """The photo a reply to `message_id` describes, if that message asked about one."""
        with self._lock:
            row = self._db.execute(
                "SELECT doc_id FROM label_prompts WHERE user_id = ? AND message_id = ?",
                (user_id, message_id),
            ).fetchone()
        return int(row[0]) if row else None

    def answered(self, user_id: int, doc_id: int) -> None:
        """The photo has its description: replies to its question are no labels any more."""
        with self._lock:
            self._db.execute(
                "DELETE FROM label_prompts WHERE user_id = ? AND doc_id = ?", (user_id, doc_id)
            )

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM label_prompts WHERE user_id = ?", (user_id,))
            self._db.execute("DELETE FROM reminder_prompts WHERE user_id = ?", (user_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
