"""Files through the door: checked against what the sender's side claims, then fetched
only in their owner's turn in the files lane (services/door/lanes.py), then read, or
found to be an export (within an upload's limits, `ImportLimits.for_upload`): then the
files turn is given back and the export imported in the archives lane, so an import never
holds the turn every photo waits for. A recording is fetched the same way; the inbound
service hears it.

An export sent through the bot is imported with the sender's own messages only; when it held
other senders' messages too, a copy is held (one per user, in the incoming dir, owner-only)
until the sender asks for them (`ImportAsked.held`: imported again with all senders, which
adds only what is new, then the copy is removed), sends another export, wipes their memory,
or a day passes: a press then is refused and the copy removed, and the bot's sweep
(`sweep_held`, every few minutes) removes it before its day is out whether or not anyone
presses (the bot's start clears the incoming dir)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from knowledge.domain.errors import FileTooLarge, MnemoError
from knowledge.domain.model import ImportLimits, ImportOptions
from knowledge.domain.names import inside
from knowledge.domain.ports import Progress
from knowledge.services.door.arrival import (
    IMPORTING,
    Arrival,
    Imported,
    Refused,
    Stored,
    Upload,
)
from knowledge.services.door.lanes import Lane, Lanes
from knowledge.services.keeping.importing import Importer, ImportReport
from knowledge.services.keeping.ingest import Ingestor, IngestResult
from knowledge.services.llm.fair_queue import PositionCallback
from knowledge.services.sending.reminders import Reminders
from knowledge.services.upkeep.profiles import Profile

log = logging.getLogger(__name__)

EXPORT_SUFFIXES = (".zip", ".json")  # an upload by these names is most likely an export
HELD = "held-{user}"  # the folder, in the incoming dir, of a user's export held for later
HELD_SECONDS = 24 * 3600  # how long it is held, at most


class Uploads:
    def __init__(
        self,
        *,
        ingestor: Ingestor,
        importer: Importer,
        reminders: Reminders,
        lanes: Lanes,
        incoming: Path,
        max_file_bytes: int,
        max_audio_seconds: float,
    ) -> None:
        self._ingestor = ingestor
        self._importer = importer
        self._reminders = reminders
        self._lanes = lanes
        self._incoming = incoming
        self._max_file_bytes = max_file_bytes
        self._max_audio_seconds = max_audio_seconds

    def check(self, user_id: int, upload: Upload, lane: Lane = Lane.FILES) -> None:
        """Refused before anything is fetched: over a limit by what the sender's side says
        (a file's bytes, a recording's length), or too many of this user's waiting."""
        limit_mb = self._max_file_bytes >> 20
        if upload.recording and (upload.claimed_seconds or 0) > self._max_audio_seconds:
            seconds, limit = upload.claimed_seconds or 0, self._max_audio_seconds / 60
            log.info("refused a recording of %.0f s, over the limit", seconds)
            raise FileTooLarge(
                f"the recording lasts {seconds / 60:.1f} minutes, over the {limit:g}-minute limit",
                "voice_too_long",
                minutes=f"{seconds / 60:.1f}",
                limit=f"{limit:g}",
            )
        if upload.claimed_bytes and upload.claimed_bytes > self._max_file_bytes:
            log.info("refused an upload of %s bytes", upload.claimed_bytes)
            if upload.name.lower().endswith(EXPORT_SUFFIXES):  # the command line takes it
                raise FileTooLarge(
                    f"{upload.name} is over {limit_mb} MB: import it with mnemo import",
                    "import_too_large",
                    name=upload.name,
                    limit=limit_mb,
                    user=user_id,
                )
            raise FileTooLarge(
                f"{upload.name} is over {limit_mb} MB",
                "upload_too_large",
                name=upload.name,
                limit=limit_mb,
            )
        self._lanes.check(user_id, lane)

    @asynccontextmanager
    async def fetched(
        self, user_id: int, upload: Upload, lane: Lane, on_position: PositionCallback | None
    ) -> AsyncIterator[Path]:
        """The user's turn in `lane`, and the file fetched in it to a temp folder under the
        incoming dir (removed after; after a kill -9, by the doctor). A file already here is
        used where it is."""
        async with (
            self._room(upload) as path,
            self._lanes.turn(user_id, lane, on_position=on_position),
        ):
            await _fetch(upload, path)
            yield path

    @asynccontextmanager
    async def _room(self, upload: Upload) -> AsyncIterator[Path]:
        """Where the upload is fetched to: a temp folder under the incoming dir, there for
        as long as the block (so a file outlives the turn it was fetched in)."""
        if upload.path is not None:
            yield upload.path
            return
        self._incoming.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._incoming) as folder:
            yield Path(folder) / "upload"

    async def take(
        self,
        arrival: Arrival,
        profile: Profile,
        progress: Progress,
        on_position: PositionCallback | None,
    ) -> Stored | Imported | Refused:
        """Read the file, or import it when it is an export (or an import was asked for).
        A file is fetched and told apart in its owner's files turn; an export found so gives
        that turn back before it waits for the archives lane, so an import never holds up
        anyone's photo by more than its own fetch."""
        upload = arrival.upload
        assert upload is not None
        if arrival.imports is not None and arrival.imports.held:
            return await self._import_held(arrival, profile, progress, on_position)
        if arrival.imports is not None:
            async with self.fetched(arrival.user_id, upload, Lane.ARCHIVES, on_position) as path:
                options, prune = arrival.imports.options, arrival.imports.prune
                return await self._import(profile, upload.name, path, options, prune, progress)
        limits = ImportLimits.for_upload(self._max_file_bytes)  # an upload's, not the CLI's
        async with self._room(upload) as path:
            async with self._lanes.turn(arrival.user_id, Lane.FILES, on_position=on_position):
                await _fetch(upload, path)
                if not await asyncio.to_thread(self._importer.recognises, path, limits):
                    return await self._read(arrival, profile, upload.name, path, progress)
            # the files turn is given back: an import runs in its own lane, never holding
            # the turn files wait for
            options = ImportOptions(me=arrival.user_id, limits=limits)
            outcome = await self._archived(
                arrival.user_id, profile, upload.name, path, options, progress, on_position
            )
            if isinstance(outcome, Imported) and outcome.report.others:
                await asyncio.to_thread(self._hold, arrival.user_id, path, upload.name)
            return outcome

    async def _archived(
        self,
        user_id: int,
        profile: Profile,
        name: str,
        path: Path,
        options: ImportOptions,
        progress: Progress,
        on_position: PositionCallback | None,
    ) -> Imported | Refused:
        """An import in the user's turn in the archives lane (refused when too many of the
        user's wait there)."""
        try:
            async with self._lanes.turn(user_id, Lane.ARCHIVES, on_position=on_position):
                return await self._import(profile, name, path, options, False, progress)
        except MnemoError as exc:
            log.info("an import was refused (%s): %s", exc.code, exc)
            return Refused(profile, exc)

    def _hold(self, user_id: int, path: Path, name: str) -> None:
        """Keep a copy of the export for "keep the other senders' messages too" (its last)."""
        self.sweep_held()
        folder = self._held(user_id)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copyfile(path, inside(folder, name, "export"))

    def _held(self, user_id: int) -> Path:
        return self._incoming / HELD.format(user=user_id)

    def drop_held(self, user_id: int) -> None:
        """The user's held export removed (their memory wiped)."""
        shutil.rmtree(self._held(user_id), ignore_errors=True)

    def sweep_held(self, ahead: float = 0.0) -> int:
        """Every held export older than a day removed, or than a day less `ahead` (a sweep
        run every `ahead` seconds: none then outlives its day); how many were."""
        swept = 0
        for stale in self._incoming.glob(HELD.format(user="*")):
            if _age(stale) > HELD_SECONDS - ahead:
                shutil.rmtree(stale, ignore_errors=True)
                swept += 1
        return swept

    async def _import_held(
        self,
        arrival: Arrival,
        profile: Profile,
        progress: Progress,
        on_position: PositionCallback | None,
    ) -> Imported | Refused:
        """The held export imported again with the options asked (all senders); the copy
        goes once it is in. One held past its day is refused, and removed."""
        assert arrival.imports is not None
        folder = self._held(arrival.user_id)
        held = sorted(folder.iterdir()) if folder.is_dir() else []
        if held and _age(folder) > HELD_SECONDS:
            await asyncio.to_thread(shutil.rmtree, folder, True)
            log.info("a held export past its day was asked for; removed")
            hours = HELD_SECONDS // 3600
            expired = MnemoError(
                f"the export was kept for {hours} hours only: send it again",
                "import_held_expired",
                hours=hours,
            )
            return Refused(profile, expired)
        if not held:
            gone = MnemoError("the export is no longer here: send it again", "import_held_gone")
            return Refused(profile, gone)
        limits = ImportLimits.for_upload(self._max_file_bytes)
        options = replace(arrival.imports.options, limits=limits)
        outcome = await self._archived(
            arrival.user_id, profile, held[0].name, held[0], options, progress, on_position
        )
        if isinstance(outcome, Imported):
            await asyncio.to_thread(shutil.rmtree, folder, True)
        return outcome

    async def _read(
        self, arrival: Arrival, profile: Profile, name: str, path: Path, progress: Progress
    ) -> Stored | Refused:
        caption = arrival.text or None
        try:
            result = await asyncio.to_thread(
                self._ingestor.ingest_file,
                arrival.user_id,
                path,
                name=name,
                caption=caption,
                progress=progress,
                language=profile.language,
                source=arrival.source,
            )
        except MnemoError as exc:
            log.info("upload refused (%s): %s", exc.code, exc)
            return Refused(profile, exc)
        offer = None
        if caption and not result.duplicate:  # "Dinner on Sat at 19:00"
            offer = await asyncio.to_thread(
                self._reminders.offer_for, arrival.user_id, result.doc_id, caption
            )
        return Stored(profile, name, result, offer, _wants_label(result, caption))

    async def _import(
        self,
        profile: Profile,
        name: str,
        path: Path,
        options: ImportOptions,
        prune: bool,
        progress: Progress,
    ) -> Imported | Refused:
        def told(report: ImportReport) -> None:
            progress(IMPORTING, report.done, report.total)

        try:
            report = await asyncio.to_thread(
                self._importer.run,
                profile.user_id,
                path,
                options=options,
                prune=prune,
                progress=told,
                language=profile.language,
            )
        except MnemoError as exc:
            log.info("import refused (%s): %s", exc.code, exc)
            return Refused(profile, exc)
        return Imported(profile, name, report)


async def _fetch(upload: Upload, path: Path) -> None:
    """The upload fetched to `path`, unless it is already here (the command line's)."""
    if upload.path is None:
        assert upload.fetch is not None, "an upload is fetched, or already here"
        await upload.fetch(path)


def _age(path: Path) -> float:
    """Seconds since `path` was made (or last changed)."""
    return time.time() - path.stat().st_mtime


def _wants_label(result: IngestResult, caption: str | None) -> bool:
    """A new photo with no caption and no text in it has no words to be found by."""
    return (
        result.kind == "image"
        and not result.duplicate
        and not (caption or "").strip()
        and not result.excerpt.strip()
    )
