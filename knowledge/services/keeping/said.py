"""Who said an item: its `origin` (None for the user's own words; else a sender's name, or
whom a forward came from), the one "said by" of a note, a voice note and an imported
message.

It is kept three ways, each for its readers: in the note's row (`notes.origin`, as a
forward's always was), as the heading of the item's chunks (so the name is searched with
its words, dense and BM25, and every hit names who said it: services/answers/evidence.py
shows it to the model and refuses to answer the user's own questions from it), and in the
document's meta with another sender's Telegram id (`origin`, `from_id`: the digest's and
the gathered lists' "Anna: …", services/sending/digest.py)."""

from __future__ import annotations

from knowledge.domain.model import ImportItem, Section, StoredDocument
from knowledge.services.keeping.indexing import Rewrite
from knowledge.services.keeping.keeper import Keeper


def section_of(item: ImportItem) -> Section:
    """A message's words, headed by who said them (None: the user)."""
    return Section(text=item.text.strip(), heading=item.origin)


def said_meta(item: ImportItem) -> dict[str, str]:
    """What a document's meta keeps of who said it: the origin, another sender's id."""
    said = {"origin": item.origin} if item.origin else {}
    return said | ({"from_id": str(item.meta["from_id"])} if item.meta.get("from_id") else {})


def unattributed(earlier: StoredDocument, item: ImportItem) -> bool:
    """A note or voice note kept before without who said it, which the export now says."""
    spoken = item.file is None or item.spoken
    return bool(item.origin) and spoken and not earlier.meta.get("origin")


def attribute(keeper: Keeper, user_id: int, doc_id: int, item: ImportItem) -> bool:
    """A kept note or voice note given who said it: its words indexed again under the
    sender's name, its meta naming them. False when it has no words of its own."""
    with keeper.storage.read() as uow:
        doc = uow.documents.get(user_id, doc_id)
        words = uow.notes.text_of(doc_id) if doc is not None else ""
    if doc is None or doc.kind not in ("note", "voice") or not words.strip():
        return False
    section = Section(text=words.strip(), heading=item.origin)
    meta = {**doc.meta, **said_meta(item)}
    keeper.indexer.rewrite(doc, Rewrite(sections=[section], meta=meta))
    return True
