"""`mnemo doctor`: cross-check SQL ⇔ vector store ⇔ kept files, and repair what it can.

SQL is the source of truth: a ready document's chunk texts are kept there, so its vectors can
always be rebuilt. What a crash can leave behind, and what the doctor does about it:

- a document still "ingesting" (killed mid-read): removed with its vectors and file; the bot
  replays the upload from its inbox, the CLI user runs `mnemo ingest` again;
- vectors of a document or user SQL does not know (killed mid-forget): deleted;
- a ready document with missing or extra vectors (a store lost or rolled back): re-embedded;
- a kept file no document names, or a temp file of an interrupted copy: deleted;
- a document whose original file is missing: reported; its text stays searchable;
- a temp folder of an upload being downloaded or an export being sent (data/incoming):
  deleted once no process can be using it (at the bot's start, or an hour old).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from knowledge.domain.model import StoredDocument
from knowledge.domain.ports import OriginalFiles, VectorStore
from knowledge.domain.repositories import Storage
from knowledge.services.keeping.indexing import Indexer

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
        storage: Storage,
        store: VectorStore,
        files: OriginalFiles,
        indexer: Indexer,
        incoming: Path,
    ) -> None:
        self._storage = storage
        self._store = store
        self._files = files
        self._indexer = indexer
        self._incoming = incoming

    def examine(
        self, *, repair: bool = True, temp_older_than: timedelta = timedelta(hours=1)
    ) -> list[Finding]:
        """Find (and unless `repair` is False, fix) what a crash left. Temp uploads younger
        than `temp_older_than` may belong to a running process and are left alone; the bot
        passes 0 at its start, before it takes any update."""
        with self._storage.read() as uow:
            unfinished = uow.documents.unfinished()
        # What the first step removes (or, in a dry run, would) is not reported again.
        gone_docs = {(doc.user_id, doc.id) for doc in unfinished}
        gone_files = {(doc.user_id, doc.sha256) for doc in unfinished if doc.kind != "note"}
        findings = [
            *self._unfinished(unfinished, repair),
            *self._vectors(repair, gone_docs),
            *self._files_kept(repair, gone_files),
            *self._temp_uploads(repair, temp_older_than),
        ]
        for finding in findings:
            log.warning("doctor: %s: %s", finding.problem, finding.action or "left as is")
        return findings

    def _unfinished(self, docs: list[StoredDocument], repair: bool) -> list[Finding]:
        findings: list[Finding] = []
        for doc in docs:
            _found(
                findings,
                repair,
                f"document {doc.id} of user {doc.user_id} was left unfinished",
                ("removed its rows, vectors and file", "would remove it"),
                partial(self._remove, doc),
            )
        return findings

    def _remove(self, doc: StoredDocument) -> None:
        with self._storage.begin() as uow:
            uow.documents.remove(doc.id)
        self._store.delete_document(doc.user_id, doc.id)
        if doc.kind != "note":
            self._files.delete(doc.user_id, doc.sha256)

    def _vectors(self, repair: bool, gone: set[tuple[int, int]]) -> list[Finding]:
        with self._storage.read() as uow:
            ready = uow.documents.ready_chunk_counts()
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
                    partial(self._store.delete_document, user_id, doc_id),
                )
            for doc_id, chunks in sorted(wanted.items()):
                if stored.get(doc_id, 0) != chunks:
                    _found(
                        findings,
                        repair,
                        f"document {doc_id} of user {user_id} has {stored.get(doc_id, 0)} "
                        f"vectors for {chunks} chunks",
                        ("re-embedded it from its chunks", "would re-embed it"),
                        partial(self._indexer.reindex_document, user_id, doc_id),
                    )
        return findings

    def _files_kept(self, repair: bool, gone: set[tuple[int, str]]) -> list[Finding]:
        with self._storage.read() as uow:
            originals = uow.documents.ready_originals()
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
                partial(path.unlink, missing_ok=True),
            )
        for user_id, sha256 in sorted(originals - seen):
            findings.append(
                Finding(f"the original file {sha256[:12]}… of user {user_id} is missing", "")
            )
        return findings

    def _temp_uploads(self, repair: bool, older_than: timedelta) -> list[Finding]:
        if not self._incoming.is_dir():
            return []
        findings: list[Finding] = []
        before = time.time() - older_than.total_seconds()
        for entry in sorted(self._incoming.iterdir()):
            if entry.stat().st_mtime > before:
                continue
            remove = (
                partial(shutil.rmtree, entry, ignore_errors=True)
                if entry.is_dir()
                else partial(entry.unlink, missing_ok=True)
            )
            _found(
                findings,
                repair,
                f"a temp upload left by an interrupted download: {entry.name}",
                ("deleted it", "would delete it"),
                remove,
            )
        return findings
