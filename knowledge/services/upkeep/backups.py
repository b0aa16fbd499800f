"""Backups of the whole install (adapters/backup.py writes the archive), how many are
kept, and the check a restored install passes: sample searches find their documents."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

from knowledge.domain.model import BackupWritten
from knowledge.domain.ports import Archives, CopiesItself, Embedder, VectorStore
from knowledge.domain.repositories import Storage
from knowledge.services.answers.retrieval import Retriever

log = logging.getLogger(__name__)
PATTERN = "mnemo-backup-*.tar"


@dataclass(frozen=True)
class SampleCheck:
    tried: int
    found: int


class Backups:
    def __init__(
        self,
        *,
        storage: Storage,
        store: VectorStore,
        embedder: Embedder,
        retriever: Retriever,
        archives: Archives,
    ) -> None:
        self._retriever = retriever
        self._storage = storage
        self._store = store
        self._embedder = embedder
        self._archives = archives

    def create(self, dest: Path, *, keep: int | None = None) -> BackupWritten:
        """One consistent archive at `dest` (a .tar, or a folder for a dated one); with
        `keep`, only that many of the folder's backups remain, the newest."""
        with self._storage.read() as uow:
            about: dict[str, object] = {
                "users": uow.users.count(),
                "documents": uow.documents.count(),
                "chunks": uow.chunks.count(),
                "embedder": self._embedder.name,
            }
        store = self._store
        copy = store.copy_to if isinstance(store, CopiesItself) else None
        written = self._archives.write(dest, copy_vectors=copy, about=about)
        log.info(
            "backup %s: %d files, %d bytes in %.1f s",
            written.path,
            written.files,
            written.size_bytes,
            written.seconds,
        )
        if keep is not None:
            self.keep_newest(written.path.parent, keep)
        return written

    @staticmethod
    def keep_newest(folder: Path, keep: int) -> list[Path]:
        """Remove all but the `keep` newest backups in `folder`; the removed."""
        found = sorted(folder.glob(PATTERN), key=lambda path: path.name, reverse=True)
        removed = found[max(keep, 1) :]
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def sample_check(self, samples: int = 20, seed: int = 0) -> SampleCheck:
        """Search with the text of random chunks; how many find their own document (or a
        twin with the same words) among the first five: a restored store answers as the
        original did."""
        with self._storage.read() as uow:
            users = uow.chunks.users()
            picked = []
            for user_id in users:
                for doc_id in uow.documents.ready_ids(user_id):
                    picked.append((user_id, doc_id))
        rng = random.Random(seed)
        chosen = rng.sample(picked, min(samples, len(picked)))
        found = 0
        for user_id, doc_id in chosen:
            with self._storage.read() as uow:
                chunks = uow.chunks.of_document(doc_id)
            if not chunks:
                continue
            text = chunks[0].text
            hits = self._retriever.search(user_id, text, k=5, mode="dense")
            # its own document, or one of the same words ("ok" sent on ten days)
            found += any(hit.doc_id == doc_id or hit.text == text for hit in hits)
        return SampleCheck(len(chosen), found)
