"""The days items name, over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import delete, select, update

from knowledge.adapters.sql.base import READY, Repository
from knowledge.adapters.sql.records import Document, NamedDayRecord
from knowledge.domain.model import NamedDay


class SqlNamedDays(Repository):
    def replace(self, user_id: int, doc_id: int, days: Sequence[NamedDay]) -> None:
        self._session.execute(delete(NamedDayRecord).where(NamedDayRecord.document_id == doc_id))
        self._session.add_all(
            NamedDayRecord(document_id=doc_id, user_id=user_id, day=named.day, hour=named.hour)
            for named in days
        )
        self._session.execute(
            update(Document)
            .where(Document.id == doc_id, Document.user_id == user_id)
            .values(days_read=True)
        )

    def replace_many(self, named: Mapping[int, tuple[int, Sequence[NamedDay]]]) -> None:
        if not named:
            return
        ids = list(named)
        self._session.execute(delete(NamedDayRecord).where(NamedDayRecord.document_id.in_(ids)))
        self._session.add_all(
            NamedDayRecord(document_id=doc_id, user_id=user_id, day=day.day, hour=day.hour)
            for doc_id, (user_id, days) in named.items()
            for day in days
        )
        self._session.execute(update(Document).where(Document.id.in_(ids)).values(days_read=True))

    def naming(self, user_id: int, first: date, last: date) -> dict[int, list[NamedDay]]:
        rows = self._session.execute(
            select(NamedDayRecord.document_id, NamedDayRecord.day, NamedDayRecord.hour)
            .join(Document, Document.id == NamedDayRecord.document_id)
            .where(
                NamedDayRecord.user_id == user_id,
                NamedDayRecord.day >= first,
                NamedDayRecord.day <= last,
                Document.status == READY,
            )
        )
        return _grouped(rows)

    def of_documents(self, user_id: int, doc_ids: Iterable[int]) -> dict[int, list[NamedDay]]:
        wanted = list(doc_ids)
        if not wanted:
            return {}
        rows = self._session.execute(
            select(NamedDayRecord.document_id, NamedDayRecord.day, NamedDayRecord.hour).where(
                NamedDayRecord.user_id == user_id, NamedDayRecord.document_id.in_(wanted)
            )
        )
        return _grouped(rows)

    def unread(self, limit: int) -> list[int]:
        return list(
            self._session.scalars(
                select(Document.id)
                .where(Document.days_read.is_(False), Document.status == READY)
                .order_by(Document.id)
                .limit(limit)
            )
        )


def _grouped(rows: Iterable[tuple[int, date, int | None]]) -> dict[int, list[NamedDay]]:
    found: dict[int, list[NamedDay]] = {}
    for doc_id, day, hour in rows:
        found.setdefault(doc_id, []).append(NamedDay(day, hour))
    return found
