"""`mnemo doctor`: cross-check SQL ⇔ vector store ⇔ kept files, and repair what it can.

SQL is the source of truth: a ready document's chunk texts are kept there, so its vectors can
always be rebuilt. What a crash can leave behind, and what the doctor does about it:

- a document still "ingesting" (killed mid-read): removed with its vectors and file; the bot
  replays the upload from its inbox, the CLI user runs `mnemo ingest` again;
- vectors of a document or user SQL does not know (killed mid-forget): deleted;
- a ready document with missing or extra vectors (a store lost or rolled back): re-embedded;
- a kept file no document names, or a temp file of an interrupted copy: deleted;
- a document whose original file is missing: reported; its text stays searchable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.files import FileStore
from knowledge.ingest import Ingestor
from knowledge.ports import VectorStore
from knowledge.records import ChunkRecord, Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    problem: str
    action: str  # what was done, or what --dry-run would do; "" when nothing can be


def _found(
    findings: list[Finding],
    repair: bool,
    problem: str,
    actions: tuple[str, str],  # (what was done, what a dry run would do)
    fix: Callable[[], object],
) -> None:
    """Record a problem, and fix it unless this is a dry run."""
    findings.append(Finding(problem, actions[0] if repair else actions[1]))
    if repair:
        fix()


class Doctor:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        store: VectorStore,
        files: FileStore,
        ingestor: Ingestor,
    ) -> None:
        self._sessions = sessions
        self._store = store
        self._files = files
        self._ingestor = ingestor

    def examine(self, *, repair: bool = True) -> list[Finding]:
        with self._sessions() as session:
            unfinished = session.execute(
                select(Document.id, Document.user_id, Document.sha256, Document.kind).where(
                    Document.status != "ready"
                )
            ).all()
        # What the first step removes (or, in a dry run, would) is not reported again.
        gone_docs = {(user_id, doc_id) for doc_id, user_id, _, _ in unfinished}
        gone_files = {(user_id, sha) for _, user_id, sha, kind in unfinished if kind != "note"}
        findings = [
            *self._unfinished(unfinished, repair),
            *self._vectors(repair, gone_docs),
            *self._files_kept(repair, gone_files),
        ]
        for finding in findings:
            log.warning("doctor: %s: %s", finding.problem, finding.action or "left as is")
        return findings

    def _unfinished(
        self, docs: Sequence[Row[tuple[int, int, str, str]]], repair: bool
    ) -> list[Finding]:
        findings: list[Finding] = []
        for doc_id, user_id, sha256, kind in docs:
            _found(
                findings,
                repair,
                f"document {doc_id} of user {user_id} was left unfinished",
                ("removed its rows, vectors and file", "would remove it"),
                lambda d=doc_id, u=user_id, s=sha256, k=kind: self._remove(d, u, s, k),
            )
        return findings

    def _remove(self, doc_id: int, user_id: int, sha256: str, kind: str) -> None:
        with self._sessions.begin() as session:
            doc = session.get(Document, doc_id)
            if doc is not None:
                session.delete(doc)
        self._store.delete_document(user_id, doc_id)
        if kind != "note":
            self._files.delete(user_id, sha256)

    def _vectors(self, repair: bool, gone: set[tuple[int, int]]) -> list[Finding]:
        with self._sessions() as session:
            ready = session.execute(
                select(Document.user_id, Document.id, func.count(ChunkRecord.id))
                .outerjoin(ChunkRecord, ChunkRecord.document_id == Document.id)
                .where(Document.status == "ready")
                .group_by(Document.user_id, Document.id)
            ).all()
        expected: dict[int, dict[int, int]] = {}
        for user_id, doc_id, chunks in ready:
            expected.setdefault(user_id, {})[doc_id] = chunks
        findings: list[Finding] = []
        for user_id in sorted(self._store.users() | set(expected)):
            stored = self._store.documents(user_id)
            wanted = expected.get(user_id, {})
            for doc_id in sorted(set(stored) - set(wanted) - {d for u, d in gone if u == user_id}):
                _found(
                    findings,
                    repair,
                    f"{stored[doc_id]} vectors of user {user_id} belong to no document ({doc_id})",
                    ("deleted them", "would delete them"),
                    lambda u=user_id, d=doc_id: self._store.delete_document(u, d),
                )
            for doc_id, chunks in sorted(wanted.items()):
                if stored.get(doc_id, 0) != chunks:
                    _found(
                        findings,
                        repair,
                        f"document {doc_id} of user {user_id} has {stored.get(doc_id, 0)} "
                        f"vectors for {chunks} chunks",
                        ("re-embedded it from its chunks", "would re-embed it"),
                        lambda u=user_id, d=doc_id: self._ingestor.reindex_document(u, d),
                    )
        return findings

    def _files_kept(self, repair: bool, gone: set[tuple[int, str]]) -> list[Finding]:
        with self._sessions() as session:
            originals = set(
                session.execute(
                    select(Document.user_id, Document.sha256).where(
                        Document.kind != "note", Document.status == "ready"
                    )
                ).all()
            )
        findings: list[Finding] = []
        seen = set()
        for user_id, sha256, path in self._files.scan():
            if sha256 is not None and (user_id, sha256) in originals:
                seen.add((user_id, sha256))
                continue
            if sha256 is not None and (user_id, sha256) in gone:
                continue
            what = "a leftover temp file" if sha256 is None else "a file no document names"
            _found(
                findings,
                repair,
                f"{what} of user {user_id}: {path.name}",
                ("deleted it", "would delete it"),
                lambda p=path: p.unlink(missing_ok=True),
            )
        for user_id, sha256 in sorted(originals - seen):
            findings.append(
                Finding(f"the original file {sha256[:12]}… of user {user_id} is missing", "")
            )
        return findings
