"""Members and their one-time codes over SQLAlchemy (services/upkeep/access.py holds the rule)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update

from knowledge.adapters.sql.base import Repository
from knowledge.adapters.sql.records import AccessCodeRecord, MemberRecord
from knowledge.domain.members import Member

OWNER = "owner"


class SqlMembers(Repository):
    def get(self, user_id: int) -> Member | None:
        row = self._session.get(MemberRecord, user_id)
        return _member(row) if row is not None else None

    def owner(self) -> int | None:
        return self._session.scalar(
            select(MemberRecord.user_id).where(MemberRecord.role == OWNER).limit(1)
        )

    def all(self) -> list[Member]:
        rows = self._session.scalars(select(MemberRecord).order_by(MemberRecord.joined_at))
        return [_member(row) for row in rows]

    def add(self, user_id: int, role: str, invited_by: int | None) -> None:
        self._session.add(MemberRecord(user_id=user_id, role=role, invited_by=invited_by))
        self._session.flush()

    def add_code(
        self, digest: str, kind: str, created_by: int | None, expires_at: datetime | None
    ) -> None:
        self._session.add(
            AccessCodeRecord(digest=digest, kind=kind, created_by=created_by, expires_at=expires_at)
        )
        self._session.flush()

    def use_code(self, digest: str, kind: str, user_id: int, now: datetime) -> bool:
        used = self._session.execute(
            update(AccessCodeRecord)
            .where(
                AccessCodeRecord.digest == digest,
                AccessCodeRecord.kind == kind,
                AccessCodeRecord.used_at.is_(None),
                or_(AccessCodeRecord.expires_at.is_(None), AccessCodeRecord.expires_at > now),
            )
            .values(used_by=user_id, used_at=now)
        )
        return cast(CursorResult[Any], used).rowcount == 1

    def drop_codes(self, kind: str, *, keep: int = 0) -> None:
        kept = select(AccessCodeRecord.digest).where(AccessCodeRecord.kind == kind)
        kept = kept.order_by(AccessCodeRecord.created_at.desc()).limit(keep)
        survivors = list(self._session.scalars(kept)) if keep else []
        self._session.execute(
            delete(AccessCodeRecord).where(
                AccessCodeRecord.kind == kind, AccessCodeRecord.digest.not_in(survivors)
            )
        )

    def prune_codes(self, now: datetime) -> None:
        self._session.execute(
            delete(AccessCodeRecord).where(
                or_(AccessCodeRecord.used_at.is_not(None), AccessCodeRecord.expires_at <= now)
            )
        )


def _member(row: MemberRecord) -> Member:
    joined = row.joined_at
    if joined.tzinfo is None:  # SQLite gives naive datetimes back: they were written in UTC
        joined = joined.replace(tzinfo=UTC)
    return Member(row.user_id, row.role, row.invited_by, joined)
