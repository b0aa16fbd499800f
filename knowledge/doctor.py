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
from collections.abc import Sequence
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
        findings = []
        for doc_id, user_id, sha256, kind in docs:
            findings.append(
                Finding(
                    f"document {doc_id} of user {user_id} was left unfinished",
                    "removed its rows, vectors and file" if repair else "would remove it",
                )
            )
            if repair:
                with self._sessions.begin() as session:
                    doc = session.get(Document, doc_id)
                    if doc is not None:
                        session.delete(doc)
                self._store.delete_document(user_id, doc_id)
                if kind != "note":
                    self._files.delete(user_id, sha256)
        return findings

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
        findings = []
        for user_id in sorted(self._store.users() | set(expected)):
            stored = self._store.documents(user_id)
            wanted = expected.get(user_id, {})
            for doc_id in sorted(set(stored) - set(wanted)):
                if (user_id, doc_id) in gone:
                    continue
                findings.append(
                    Finding(
                        f"{stored[doc_id]} vectors of user {user_id} belong to no document "
                        f"({doc_id})",
                        "deleted them" if repair else "would delete them",
                    )
                )
                if repair:
                    self._store.delete_document(user_id, doc_id)
            for doc_id, chunks in sorted(wanted.items()):
                if stored.get(doc_id, 0) == chunks:
                    continue
                findings.append(
                    Finding(
                        f"document {doc_id} of user {user_id} has {stored.get(doc_id, 0)} "
                        f"vectors for {chunks} chunks",
                        "re-embedded it from its chunks" if repair else "would re-embed it",
                    )
                )
                if repair:
                    self._ingestor.reindex_document(user_id, doc_id)
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
        findings = []
        seen = set()
        for user_id, sha256, path in self._files.scan():
            if sha256 is not None and (user_id, sha256) in originals:
                seen.add((user_id, sha256))
                continue
            if sha256 is not None and (user_id, sha256) in gone:
                continue
            what = "a leftover temp file" if sha256 is None else "a file no document names"
            findings.append(
                Finding(
                    f"{what} of user {user_id}: {path.name}",
                    "deleted it" if repair else "would delete it",
                )
            )
            if repair:
                path.unlink(missing_ok=True)
        for user_id, sha256 in sorted(originals - seen):
            findings.append(
                Finding(f"the original file {sha256[:12]}… of user {user_id} is missing", "")
            )
        return findings
