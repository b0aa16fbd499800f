"""What every SQL repository shares: its session, the user row made on first sight."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from knowledge.adapters.sql.records import User

PENDING = "pending"
DONE = "done"
SET_ASIDE = "set_aside"
READY = "ready"


class Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _ensure_user(self, user_id: int) -> None:
        if self._session.get(User, user_id) is None:
            self._session.add(User(id=user_id))
            self._session.flush()

    def _count(self, query: Any) -> int:
        return int(self._session.scalar(query) or 0)
