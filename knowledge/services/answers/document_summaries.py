"""A document's gist: its sections condensed one by one in the background, each line kept
only when its section supports it (the digest's check, services/llm/summaries.py), then put
together in the document's order when someone asks.

Condensing runs at BACKGROUND priority, one section per turn at the model, so a question
waits at most for the one section being condensed (bench/gathering.py measures it), and a
300-page book blocks nobody. Each line is stored as soon as it is made (a restart resumes
where it stopped); asking before the end says how far it got and shows what is ready.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from knowledge.domain.errors import LlmRefused, LlmUnavailable
from knowledge.domain.model import Chunk, StoredDocument
from knowledge.domain.repositories import Storage
from knowledge.services.answers.retrieval import Retriever
from knowledge.services.llm.fair_queue import BACKGROUND, FairQueue
from knowledge.services.llm.summaries import Summarizer, flat, own_line

log = logging.getLogger(__name__)

SECTION_CHARS = 2400  # a section condensed in one turn: about one model call of ~3 s
SECTIONS = "sections"  # in a document's meta: {"total": n, "lines": [...]}
NOT_DOCUMENTS = ("note", "voice", "image")
_CHAPTER = re.compile(
    r"(?:chapter|part|section|глав[аеуы]|част[ьи]|раздел|capítulo|parte|sección)\s*(\d+)"
    r"|第\s*([一二三四五六七八九十\d]+)\s*[章部节]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SectionLine:
    heading: str | None
    page: int | None
    line: str


@dataclass(frozen=True)
class Section:
    heading: str | None
    page: int | None
    text: str


@dataclass(frozen=True)
class DocumentSummary:
    """What is condensed of a document so far; `done` of `total` sections."""

    doc_id: int
    name: str
    pages: int | None
    lines: list[SectionLine]
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    def plain(self) -> str:
        pages = f", {self.pages} p." if self.pages else ""
        head = f"{self.name}{pages}"
        if not self.complete:
            head += f" ({self.done} of {self.total} sections condensed so far)"
        body = [
            f"- {line.heading}: {line.line}" if line.heading else f"- {line.line}"
            for line in self.lines
        ]
        return "\n".join([head, *body])


def sections_of(chunks: Sequence[Chunk]) -> list[Section]:
    """The document's chunks grouped by heading, at most SECTION_CHARS each."""
    found: list[Section] = []
    for chunk in chunks:
        last = found[-1] if found else None
        if (
            last is not None
            and last.heading == chunk.heading
            and len(last.text) + len(chunk.text) <= SECTION_CHARS
        ):
            found[-1] = Section(last.heading, last.page, f"{last.text}\n{chunk.text}")
        else:
            found.append(Section(chunk.heading, chunk.page, chunk.text))
    return [section for section in found if _has_content(section)]


def _has_content(section: Section) -> bool:
    """Not a title alone (a chunk that holds only its heading)."""
    words = flat(section.text.replace(section.heading or "", " ")).split()
    return len(words) >= 3


class DocumentSummaries:
    def __init__(
        self,
        *,
        storage: Storage,
        queue: FairQueue,
        summarizer: Summarizer,
        retriever: Retriever,
    ) -> None:
        self._storage = storage
        self._queue = queue
        self._summarizer = summarizer
        self._retriever = retriever

    async def condense_later(self, user_id: int, doc_id: int) -> None:
        """Condense what is left of a document's sections, one model turn each, at the lowest
        priority. A failure stops here; the rest is done on the next start or request."""
        try:
            await self.condense(user_id, doc_id, priority=BACKGROUND)
        except (LlmUnavailable, LlmRefused) as exc:
            log.warning("condensing document %s stopped: %s", doc_id, exc)
        except Exception:
            log.exception("condensing document %s failed", doc_id)

    async def condense(self, user_id: int, doc_id: int, *, priority: int) -> None:
        loaded = await asyncio.to_thread(self._sections, user_id, doc_id)
        if loaded is None:
            return
        doc, sections = loaded
        lines = _stored_lines(doc)
        for section in sections[len(lines) :]:
            if Summarizer.needed(section.text):
                line = await self._queue.run(
                    user_id, partial(self._summarizer.summarise, section.text), priority=priority
                )
            else:
                line = own_line(section.text)
            lines.append(SectionLine(section.heading, section.page, line))
            await asyncio.to_thread(self._keep, user_id, doc_id, lines, len(sections))

    async def resume_all(self) -> int:
        """At start: go on condensing every document a restart interrupted."""
        pending = await asyncio.to_thread(self._unfinished)
        for user_id, doc_id in pending:
            await self.condense_later(user_id, doc_id)
        return len(pending)

    # Reading ------------------------------------------------------------------------------

    def find(self, user_id: int, subject: str) -> StoredDocument | None:
        """The user's document a request names ("the boat handbook"): by the words of its
        name and title, else by what its text is about."""
        wanted = _words(subject)
        with self._storage.read() as uow:
            docs = [
                doc
                for doc, _ in uow.documents.of_user(user_id)
                if doc.kind not in NOT_DOCUMENTS and doc.status == "ready"
            ]
        scored = [(len(wanted & _words(f"{doc.name} {doc.title or ''}")), doc) for doc in docs]
        best = max(scored, key=lambda pair: (pair[0], pair[1].id), default=(0, None))
        if best[0] > 0:
            return best[1]
        by_id = {doc.id: doc for doc in docs}
        for hit in self._retriever.search(user_id, subject or "document", k=10):
            if hit.doc_id in by_id:
                return by_id[hit.doc_id]
        return None

    def summary(self, user_id: int, doc: StoredDocument, asked: str = "") -> DocumentSummary:
        """What is condensed so far; when the request names a chapter ("chapter 2", "глава
        2", "第二章"), only that chapter's lines."""
        with self._storage.read() as uow:
            fresh = uow.documents.get(user_id, doc.id) or doc
            total = len(sections_of(uow.chunks.of_document(doc.id)))
        lines = _stored_lines(fresh)
        chapter = _chapter(asked)
        if chapter is not None:
            lines = [line for line in lines if _chapter(line.heading or "") == chapter] or lines
        return DocumentSummary(
            fresh.id, fresh.name, fresh.pages, lines, len(_stored_lines(fresh)), total
        )

    def _sections(self, user_id: int, doc_id: int) -> tuple[StoredDocument, list[Section]] | None:
        with self._storage.read() as uow:
            doc = uow.documents.get(user_id, doc_id)
            if doc is None or doc.status != "ready" or doc.kind in NOT_DOCUMENTS:
                return None
            return doc, sections_of(uow.chunks.of_document(doc_id))

    def _keep(self, user_id: int, doc_id: int, lines: list[SectionLine], total: int) -> None:
        with self._storage.begin() as uow:
            doc = uow.documents.get(user_id, doc_id)
            if doc is None:
                return  # forgotten meanwhile
            meta = {
                **doc.meta,
                SECTIONS: {
                    "total": total,
                    "lines": [
                        {"heading": line.heading, "page": line.page, "line": line.line}
                        for line in lines
                    ],
                },
            }
            uow.documents.set_meta(user_id, doc_id, meta)

    def _unfinished(self) -> list[tuple[int, int]]:
        with self._storage.read() as uow:
            users = uow.chunks.users()
            pending = []
            for user_id in users:
                for doc, _ in uow.documents.of_user(user_id):
                    if doc.kind in NOT_DOCUMENTS or doc.status != "ready":
                        continue
                    state = doc.meta.get(SECTIONS) or {}
                    if not state or len(state.get("lines", [])) < int(state.get("total", 0)):
                        pending.append((user_id, doc.id))
        return pending


def _stored_lines(doc: StoredDocument) -> list[SectionLine]:
    state = doc.meta.get(SECTIONS) or {}
    return [
        SectionLine(item.get("heading"), item.get("page"), item["line"])
        for item in state.get("lines", [])
    ]


_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    """Lower-case words of three letters or more (a Chinese run: its two-character pieces)."""
    found: set[str] = set()
    for word in _WORD.findall(flat(text).lower()):
        if any("\u4e00" <= ch <= "\u9fff" for ch in word):
            found |= {word[i : i + 2] for i in range(max(len(word) - 1, 1))}
        elif len(word) >= 3:
            found.add(word[:6])  # a crude stem: "handbook" and "handbooks" meet
    return found


_ZH_DIGITS = "零一二三四五六七八九十"


def _chapter(text: str) -> int | None:
    match = _CHAPTER.search(text)
    if match is None:
        return None
    number = match.group(1) or match.group(2)
    if number.isdigit():
        return int(number)
    if len(number) == 1:
        return _ZH_DIGITS.index(number)
    return None
