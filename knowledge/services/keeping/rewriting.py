"""Changing what an item says after it was kept: a photo's label (the bot asks for one when
it had no words), and an edited chat message's note or caption. The new text is embedded first and
written with its vectors in one step (services/keeping/indexing.py `rewrite`): a failure leaves the
item as it was."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from knowledge.domain.errors import DocumentNotFound, EmptyFile
from knowledge.domain.model import Chunk, Section, StoredDocument
from knowledge.domain.repositories import Storage
from knowledge.services.keeping.indexing import Indexer, Rewrite
from knowledge.services.keeping.keeper import note_name
from knowledge.services.words.named_dates import DayReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edited:
    """What an edited message changed: a note's text, or a file's caption."""

    doc_id: int
    what: str  # "note" or "caption"


class Rewriting:
    def __init__(
        self, *, storage: Storage, indexer: Indexer, days: DayReader | None = None
    ) -> None:
        self._storage = storage
        self._indexer = indexer
        self._days = days

    def _reread_days(self, doc: StoredDocument, text: str) -> None:
        """The days the item's new words name replace those its old words named."""
        if self._days is None:
            return
        zone = self._days.zone(doc.user_id)
        with self._storage.begin() as uow:
            self._days.record(uow, doc, text, zone)

    def describe(self, user_id: int, doc_id: int, text: str) -> None:
        """Make `text` a photo's description, as a caption would be: searchable, and its
        line in the digest. Its vectors are written again with it; if that fails, the photo
        keeps what it had (and the bot still waits for its label: bot/prompts.py)."""
        text = text.strip()
        if not text:
            raise EmptyFile("the description is empty", "note_empty")
        doc, old = self._document_with_chunks(user_id, doc_id)
        meta = {**doc.meta, "caption": text}
        self._indexer.rewrite(doc, Rewrite(_captioned(text, old), meta=meta))
        self._reread_days(doc, text)

    def edit(self, user_id: int, source: str, text: str) -> Edited | None:
        """The message `source` was edited to say `text`: a note it made gets that text (its
        vectors and digest line too), a file or photo that caption. None when the message
        made nothing (a question, say)."""
        with self._storage.read() as uow:
            doc = uow.documents.from_source(user_id, source)
            old = uow.chunks.of_document(doc.id) if doc else []
        if doc is None or doc.status != "ready":
            return None
        text = text.strip()
        if doc.kind == "note":
            if not text:
                raise EmptyFile("the note is empty", "note_empty")
            content = (doc.sha256, note_name(text))  # a note's key is its own, not its words
            change = Rewrite(
                [Section(text=text)],
                note_text=text,
                content=(*content, len(text.encode())),
            )
            self._indexer.rewrite(doc, change)
            self._reread_days(doc, text)
            log.info("note %s of user %s replaced by its edit", doc.id, user_id)
            return Edited(doc.id, "note")
        meta = {k: v for k, v in doc.meta.items() if k != "caption"}
        if text:
            meta["caption"] = text
        self._indexer.rewrite(doc, Rewrite(_captioned(text, old), meta=meta))
        self._reread_days(doc, text)
        log.info("caption of document %s of user %s replaced by its edit", doc.id, user_id)
        return Edited(doc.id, "caption")

    def _document_with_chunks(
        self, user_id: int, doc_id: int
    ) -> tuple[StoredDocument, list[Chunk]]:
        with self._storage.read() as uow:
            doc = uow.documents.get(user_id, doc_id)
            old = uow.chunks.of_document(doc_id) if doc else []
        if doc is None:
            raise DocumentNotFound(f"no document {doc_id} in your memory", doc_id=doc_id)
        return doc, old


def _captioned(caption: str, old: list[Chunk]) -> list[Section]:
    """A document's sections with `caption` first in place of any caption it had."""
    kept = [Section(c.text, c.page, c.heading) for c in old if c.heading != "Caption"]
    return ([Section(text=caption, heading="Caption")] if caption else []) + kept
