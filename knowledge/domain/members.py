"""Who may use the bot: its members and the one-time codes that let someone in, as a
repository of domain types. The SQL adapter implements it (adapters/sql/members.py);
services/upkeep/access.py holds the rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Member:
    """Someone who may use the bot: its owner, or a person the owner invited."""

    user_id: int
    role: str  # "owner" or "member"
    invited_by: int | None
    joined_at: datetime


class Memberships(Protocol):
    """Who may use the bot, and the one-time codes (kept as hashes) that let someone in.
    Not part of a user's memory: wiping it keeps their membership."""

    def get(self, user_id: int) -> Member | None: ...

    def owner(self) -> int | None: ...

    def all(self) -> list[Member]: ...

    def add(self, user_id: int, role: str, invited_by: int | None) -> None: ...

    def add_code(
        self, digest: str, kind: str, created_by: int | None, expires_at: datetime | None
    ) -> None: ...

    def use_code(self, digest: str, kind: str, user_id: int, now: datetime) -> bool:
        """Mark the code used by `user_id`, atomically: only if it is of that kind, unused
        and not expired; False otherwise."""
        ...

    def drop_codes(self, kind: str, *, keep: int = 0) -> None:
        """Forget the codes of that kind but the `keep` newest."""
        ...

    def prune_codes(self, now: datetime) -> None:
        """Forget codes used or expired."""
        ...
