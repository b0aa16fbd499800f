"""Bringing a memory in: the items of an import (a Telegram export, a note folder, a mnemo
export; read by adapters/imports) kept under their own keys and with their own dates; a
mnemo export's coming reminders restored.

Who said an item is its `origin` (services/keeping/keeper.py `NewNote`): None for the
user's own words, else a sender's name or whom a forward came from. It is the heading of
the item's chunks, so it is searched with its words and every hit names it, and it is in
the document's meta (with another sender's Telegram id) for the lists that show it. An
item kept earlier without who said it (an import from before senders were kept) gets it
when the export is imported again: nothing is added twice.

An item is found again by its key, never by its content: the same export twice adds
nothing, a newer one only what is new, and "ok" sent on two days stays two items. A kill -9
leaves at most one batch unfinished, cleared and kept again by the next run. A note
folder's file whose content changed replaces what it was; files gone from the folder are
listed, and forgotten when asked (`prune`). Text items are kept in batches whose chunks are
embedded together, while the next batch is looked up and chunked on a second thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.domain.errors import MnemoError
from knowledge.domain.model import (
    Chunk,
    ImportItem,
    ImportLimits,
    ImportOptions,
    NamedDay,
    StoredDocument,
)
from knowledge.domain.ports import ImportSources, VectorStore
from knowledge.services.keeping.ingest import Ingestor
from knowledge.services.keeping.keeper import Keeper, NewNote
from knowledge.services.keeping.links import Links
from knowledge.services.keeping.memory import Memory, outdated_marks
from knowledge.services.keeping.said import attribute, said_meta, section_of, unattributed
from knowledge.services.keeping.voice import VoiceNotes
from knowledge.services.sending.reminder_states import Restored
from knowledge.services.sending.reminders import Reminders
from knowledge.services.words.named_dates import DayReader, named_days

log = logging.getLogger(__name__)
BATCH = 256


@dataclass
class ImportReport:
    kind: str = ""
    total: int = 0
    added: int = 0
    already: int = 0  # kept by an earlier import (or unchanged, in a folder)
    replaced: int = 0  # a folder's changed files
    links: int = 0  # articles read from the links in the items
    skipped: int = 0  # service messages, other senders' messages
    others: int = 0  # of `skipped`: other senders' messages (ImportOptions.all_senders keeps them)
    attributed: int = 0  # of `already`: kept before without who said them, now with it
    failed: list[tuple[str, str]] = field(default_factory=list)  # (item, why)
    links_failed: list[tuple[str, str]] = field(default_factory=list)  # (link, why): kept as words
    gone: list[str] = field(default_factory=list)  # a folder's files no longer there
    pruned: int = 0
    seconds: float = 0.0
    timed: dict[str, float] = field(default_factory=dict)  # seconds spent by kind of item
    reminders: Restored = field(default_factory=Restored)  # a mnemo export's, brought back

    def took(self, kind: str, since: float) -> None:
        self.timed[kind] = self.timed.get(kind, 0.0) + time.monotonic() - since

    @property
    def done(self) -> int:
        return self.added + self.already + self.replaced + len(self.failed)


ImportProgress = Callable[[ImportReport], None]
_NewNote = tuple[ImportItem, list[Chunk], list[NamedDay] | None]  # its chunks, its days


@dataclass
class _Prepared:
    """A batch looked up (what earlier imports kept) and its new notes chunked."""

    items: list[ImportItem]
    kept: dict[str, StoredDocument]
    chunks: dict[str, list[Chunk]]
    days: dict[str, list[NamedDay]]


class Importer:
    def __init__(
        self,
        *,
        sources: ImportSources,
        keeper: Keeper,
        ingestor: Ingestor,
        voice: VoiceNotes,
        memory: Memory,
        store: VectorStore,
        links: Links | None,
        days: DayReader | None = None,
        reminders: Reminders | None = None,
        links_seconds: float = 600.0,
    ) -> None:
        self._links_seconds = links_seconds
        self._links_until = float("inf")
        self._days = days
        self._reminders = reminders
        self._sources = sources
        self._keeper = keeper
        self._ingestor = ingestor
        self._voice = voice
        self._memory = memory
        self._store = store
        self._links = links

    def recognises(self, path: Path, limits: ImportLimits | None = None) -> bool:
        """A file that is an export (a Telegram result.json, a zip of one, a mnemo export),
        told within `limits` (an upload's: `ImportLimits.for_upload`)."""
        return self._sources.recognises(path, limits)

    def run(
        self,
        user_id: int,
        path: Path,
        *,
        options: ImportOptions | None = None,
        prune: bool = False,
        progress: ImportProgress | None = None,
        language: str = "en",
    ) -> ImportReport:
        """Import what `path` holds into the user's memory; raises ImportUnreadable when it
        is no export mnemo reads. Items that fail are reported and skipped."""
        started = time.monotonic()
        self._links_until = started + self._links_seconds  # the links' time, all together
        with self._sources.open(path, options or ImportOptions()) as opened:
            report = ImportReport(
                kind=opened.kind, total=opened.total, skipped=opened.skipped, others=opened.others
            )
            seen: set[str] = set()
            tell = progress or (lambda report: None)
            for prepared in self._prepared(user_id, _batches(opened.items)):
                mark = outdated_marks(self._keeper.storage, user_id, prepared.items)
                self._keep_batch(user_id, prepared, report, language)
                mark()
                seen.update(str(item.meta.get("path")) for item in prepared.items)
                report.seconds = time.monotonic() - started
                tell(report)
            if opened.scope is not None:
                self._gone(user_id, opened.scope, seen, prune, report)
            if opened.reminders and self._reminders is not None:  # after their notes
                report.reminders = self._reminders.restore(user_id, opened.reminders)
        if self._days is not None:  # the days the notes name, read apart (dateparser)
            started = time.monotonic()
            self._days.catch_up()
            report.took("days", started)
        report.seconds = time.monotonic() - started
        log.info(
            "import of %s for user %s: %d added, %d already, %d failed in %.1f s",
            opened.kind,
            user_id,
            report.added,
            report.already,
            len(report.failed),
            report.seconds,
        )
        return report

    def _prepared(self, user_id: int, batches: Iterable[list[ImportItem]]) -> Iterator[_Prepared]:
        """Each batch prepared on a second thread while the one before it is kept."""
        with ThreadPoolExecutor(1, thread_name_prefix="import") as pool:
            ahead: Future[_Prepared] | None = None
            for batch in batches:
                following = pool.submit(self._prepare, user_id, batch)
                if ahead is not None:
                    yield ahead.result()
                ahead = following
            if ahead is not None:
                yield ahead.result()

    def _prepare(self, user_id: int, batch: list[ImportItem]) -> _Prepared:
        with self._keeper.storage.read() as uow:
            kept = uow.documents.sources_among(user_id, [item.source for item in batch])
        chunker = self._keeper.indexer.chunker
        new = [i for i in batch if _is_note(i) and not _is_kept(kept.get(i.source), i)]
        chunks = {item.source: chunker.chunk([section_of(item)]) for item in new}
        days = {}
        if self._days is not None:  # dateparser here, while the batch before is embedded
            zone = self._days.zone(user_id)
            for item in new:
                days[item.source] = named_days(item.text, item.written.astimezone(zone))
        return _Prepared(batch, kept, chunks, days)

    def _keep_batch(
        self, user_id: int, prepared: _Prepared, report: ImportReport, language: str
    ) -> None:
        notes: list[_NewNote] = []
        for item in prepared.items:
            earlier = prepared.kept.get(item.source)
            if _is_kept(earlier, item):
                report.already += 1
                if earlier is not None and unattributed(earlier, item):
                    report.attributed += attribute(self._keeper, user_id, earlier.id, item)
                continue
            if item.problem:
                self._fail(report, item, item.problem)
                continue
            if earlier is not None and earlier.status != "ready":
                self._clear(user_id, earlier)  # what a kill -9 left unfinished
                earlier = None
            if item.file is None:
                if chunks := prepared.chunks.get(item.source):
                    notes.append((item, chunks, prepared.days.get(item.source)))
                else:
                    report.skipped += 1  # no words, no file (a sticker)
                continue
            self._keep_file(user_id, item, earlier, report, language)
        started = time.monotonic()
        self._keep_notes(user_id, notes, report)
        report.took("note", started)
        for item, _, _ in notes:
            self._read_links(user_id, item, report)

    def _keep_notes(self, user_id: int, notes: Sequence[_NewNote], report: ImportReport) -> None:
        batch = [(_note(item, days), chunks) for item, chunks, days in notes]
        try:
            self._keeper.keep_notes(user_id, batch, read_days=False)  # read after: `run`
            report.added += len(batch)
            return
        except MnemoError as exc:
            if len(batch) == 1:
                self._fail(report, notes[0][0], str(exc))
                return
        except Exception:
            log.exception(
                "a batch of %d imported notes failed; keeping them one by one", len(batch)
            )
            if len(batch) == 1:
                self._fail(report, notes[0][0], "could not be kept (internal error, see log)")
                return
        for one in notes:  # the one that fails is reported; the others are kept
            self._keep_notes(user_id, [one], report)

    def _keep_file(
        self,
        user_id: int,
        item: ImportItem,
        earlier: StoredDocument | None,
        report: ImportReport,
        language: str,
    ) -> None:
        assert item.file is not None
        meta = {**item.meta, **said_meta(item)}
        if item.version:
            meta["version"] = item.version
        source = None if earlier is not None else item.source  # a replacement takes it after
        started = time.monotonic()
        try:
            if item.spoken:
                transcript = self._voice.transcribe(item.file, language=language)
                result = self._voice.add_voice(
                    user_id,
                    item.file,
                    transcript,
                    name=item.name,
                    source=source,
                    created_at=item.written,
                )
            else:
                result = self._ingestor.ingest_file(
                    user_id,
                    item.file,
                    name=item.name,
                    caption=item.text or None,
                    source=source,
                    created_at=item.written,
                    meta=meta,
                    language=language,
                )
        except MnemoError as exc:
            self._fail(report, item, str(exc))
            self._keep_words_of(user_id, item, report)
            return
        except Exception:
            log.exception("importing %s failed", item.label or item.source)
            self._fail(report, item, "could not be read (internal error, see log)")
            self._keep_words_of(user_id, item, report)
            return
        report.took("voice" if item.spoken else result.kind, started)
        if item.spoken and item.origin and not result.duplicate:  # another's words, spoken
            attribute(self._keeper, user_id, result.doc_id, item)
        if earlier is not None and result.doc_id == earlier.id:  # only its front matter changed
            with self._keeper.storage.begin() as uow:
                uow.documents.set_meta(user_id, earlier.id, {**earlier.meta, **meta})
            report.already += 1
        elif earlier is not None:
            self._replace(user_id, earlier, result.doc_id, item.source, result.duplicate)
            report.replaced += 1
        elif result.duplicate:
            report.already += 1
        else:
            report.added += 1
        self._read_links(user_id, item, report)

    def _keep_words_of(self, user_id: int, item: ImportItem, report: ImportReport) -> None:
        """A file that could not be read keeps its message's words, when it had any."""
        if item.text.strip() and not item.version:
            chunks = self._keeper.indexer.chunker.chunk([section_of(item)])
            self._keep_notes(user_id, [(item, chunks, None)], report)

    def _replace(
        self, user_id: int, earlier: StoredDocument, doc_id: int, source: str, duplicate: bool
    ) -> None:
        """A changed file's new document takes the old one's key; the old one goes."""
        with self._keeper.storage.begin() as uow:
            uow.documents.remove(earlier.id)
            if not duplicate:
                uow.documents.set_source(user_id, doc_id, source)
        self._store.delete_document(user_id, earlier.id)
        self._memory.drop_original(user_id, earlier)

    def _read_links(self, user_id: int, item: ImportItem, report: ImportReport) -> None:
        if self._links is None or not self._links.enabled:
            return
        for number, url in enumerate(item.links[: self._links.per_item]):
            source = f"{item.source}:link{number}"
            started = time.monotonic()
            if started > self._links_until:
                label = f"{item.label or item.source}: {url}"
                report.links_failed.append((label, "the import's time for links ran out"))
                continue
            try:
                self._links.keep(user_id, url, source=source, created_at=item.written)
                report.links += 1
            except MnemoError as exc:
                report.links_failed.append((f"{item.label or item.source}: {url}", str(exc)))
            report.took("link", started)

    def _clear(self, user_id: int, doc: StoredDocument) -> None:
        log.warning("clearing unfinished imported document %s of user %s", doc.id, user_id)
        self._store.delete_document(user_id, doc.id)
        with self._keeper.storage.begin() as uow:
            uow.documents.remove(doc.id)

    def _gone(
        self, user_id: int, scope: str, seen: set[str], prune: bool, report: ImportReport
    ) -> None:
        with self._keeper.storage.read() as uow:
            docs = [doc for doc, _ in uow.documents.of_user(user_id)]
        for doc in docs:
            if doc.meta.get("folder") != scope or str(doc.meta.get("path")) in seen:
                continue
            report.gone.append(str(doc.meta.get("path", doc.name)))
            if prune:
                self._memory.forget(user_id, doc.id)
                report.pruned += 1

    @staticmethod
    def _fail(report: ImportReport, item: ImportItem, why: str) -> None:
        log.info("import: %s skipped: %s", item.label or item.source, why)
        report.failed.append((item.label or item.source, why))


def _batches(items: Iterable[ImportItem]) -> Iterator[list[ImportItem]]:
    batch: list[ImportItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _is_note(item: ImportItem) -> bool:
    return item.file is None and not item.problem and bool(item.text.strip())


def _is_kept(earlier: StoredDocument | None, item: ImportItem) -> bool:
    if earlier is None or earlier.status != "ready":
        return False
    return item.version is None or earlier.meta.get("version") == item.version


def _note(item: ImportItem, days: list[NamedDay] | None) -> NewNote:
    return NewNote(
        item.text.strip(), item.written, item.origin, item.source, days, said_meta(item) or None
    )
