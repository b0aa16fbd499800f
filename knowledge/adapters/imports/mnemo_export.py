"""A mnemo export (`/export`, `mnemo export`: manifest.json, documents.json, notes.json,
reminders.json and originals/) read back as import items and reminders, for moving to
another install. Each is keyed by the exporting install's user and its own id, so
importing the same zip twice adds nothing."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.adapters.imports.archive import Budget
from knowledge.adapters.imports.json_stream import check_tokens, objects
from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportedReminder, ImportItem, ImportLimits
from knowledge.domain.names import inside, safe_name
from knowledge.domain.ports import OpenedImport

FORMAT = "mnemo-export"
REMINDERS = "reminders.json"
MANIFEST_BYTES = 64 << 10
MAX_REMINDERS = 10_000
REMINDER_CHARS = 4096


def is_mnemo_export(archive: zipfile.ZipFile) -> bool:
    if "manifest.json" not in archive.namelist():
        return False
    try:
        return bool(_manifest(archive).get("format") == FORMAT)
    except (ImportUnreadable, AttributeError):
        return False


def opened(archive: zipfile.ZipFile, folder: Path, limits: ImportLimits) -> OpenedImport:
    """The export's documents, read as a stream (documents.json, notes.json beside it in
    the same order, as the export writes them), their originals extracted to `folder` under
    generated names, all of it within `limits`."""
    manifest = _manifest(archive)
    names = set(archive.namelist())
    for member in ("documents.json", "notes.json", REMINDERS):
        if member in names:
            with archive.open(member) as handle:
                check_tokens(handle, max_bytes=limits.json_bytes, name=member)
        elif member != REMINDERS:  # only the first part of an export holds the reminders
            raise ImportUnreadable(f"the mnemo export is damaged: it has no {member}")
    owner = str(manifest.get("user_id", "user"))[:64]
    total = sum(1 for _ in _entries(archive, "documents.json"))
    reminders = []
    if REMINDERS in names:
        for entry in _entries(archive, REMINDERS):
            reminders.append(_reminder(owner, entry))
            if len(reminders) > MAX_REMINDERS:
                raise ImportUnreadable(f"the export holds over {MAX_REMINDERS} reminders")
    budget = Budget(limits.unpacked_bytes)
    return OpenedImport(
        kind="mnemo-export",
        items=(
            _item(archive, folder, owner, number, doc, note, budget)
            for number, (doc, note) in enumerate(_documents(archive))
        ),
        total=total,
        reminders=reminders,
    )


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        with archive.open("manifest.json") as handle:
            data = json.loads(Budget(MANIFEST_BYTES).read(handle, MANIFEST_BYTES, "manifest.json"))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportUnreadable(f"the mnemo export is damaged: {exc}") from exc
    if not isinstance(data, dict):
        raise ImportUnreadable("the mnemo export is damaged: its manifest is not an object")
    return data


def _entries(archive: zipfile.ZipFile, member: str) -> Iterator[dict[str, Any]]:
    """The objects of a JSON list in the zip, one at a time."""
    with archive.open(member) as handle:
        for _, value in objects(handle, ("item",)):
            if isinstance(value, dict):
                yield value


def _documents(
    archive: zipfile.ZipFile,
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each document with its note: notes.json lists them in the documents' order, so the
    two lists are walked side by side (a note out of that order is not found)."""
    notes = _entries(archive, "notes.json")
    waiting = next(notes, None)
    for doc in _entries(archive, "documents.json"):
        note = None
        if waiting is not None and waiting.get("document_id") == doc.get("id"):
            note, waiting = waiting, next(notes, None)
        yield doc, note


def _reminder(owner: object, entry: dict[str, Any]) -> ImportedReminder:
    document = entry.get("document_id")
    zone = str(entry.get("zone") or "UTC")[:64]
    due, problem = None, None
    try:
        ZoneInfo(zone)
        due = _aware(entry["due_at"]) if entry.get("due_at") else None
    except (ValueError, ZoneInfoNotFoundError, OSError, TypeError) as exc:
        problem = f"its time could not be read ({type(exc).__name__})"
    return ImportedReminder(
        source=f"mnemo:{owner}:reminder:{str(entry.get('id'))[:64]}",
        text=str(entry.get("text") or "")[:REMINDER_CHARS],
        due_at=due,
        zone=zone,
        every=str(entry["every"]) if entry.get("every") else None,
        status=str(entry.get("status") or ""),
        document_source=f"mnemo:{owner}:{document}" if document is not None else None,
        problem=problem,
    )


def _item(
    archive: zipfile.ZipFile,
    folder: Path,
    owner: object,
    number: int,
    doc: dict[str, Any],
    note: dict[str, Any] | None,
    budget: Budget,
) -> ImportItem:
    source = f"mnemo:{owner}:{doc.get('id')}"
    label = str(doc.get("name") or source)
    written = _time(doc.get("created_at"))
    given = doc.get("meta")
    meta = {k: v for k, v in given.items() if k != "version"} if isinstance(given, dict) else {}
    outdated = _outdated(doc.get("outdated_at"))
    if doc.get("kind") == "note":
        text = str(note.get("text", "")) if note else ""
        origin = str(note["origin"]) if note and note.get("origin") else None
        return ImportItem(source, written, text=text, origin=origin, label=label, outdated=outdated)
    member = doc.get("file")
    if not isinstance(member, str) or member not in archive.NameToInfo:
        return ImportItem(source, written, label=label, problem="its original is not in the export")
    # The name on disk is made here (its place in the export, then a safe base name), never
    # taken from the export: its id and file name are only words.
    target = inside(folder, f"{number}-{safe_name(PurePosixPath(member).name)}")
    with archive.open(member) as src:
        budget.copy(src, target)  # a damaged original ends the import: the zip is bad
    return ImportItem(
        source,
        written,
        text=str(meta.get("caption", "")),
        file=target,
        name=str(doc.get("name") or target.name),
        spoken=doc.get("kind") == "voice",
        meta={key: meta[key] for key in ("url", "site", "title") if key in meta},
        label=label,
        outdated=outdated,
    )


def _time(value: object) -> datetime:
    try:
        return _aware(value)
    except ValueError:
        return datetime.now(UTC)


def _outdated(value: object) -> datetime | None:
    """When its owner marked the item outdated; None when not, or not readable as a time
    (an export is from outside: an unreadable mark is no mark)."""
    if not value:
        return None
    try:
        return _aware(value)
    except ValueError:
        return None


def _aware(value: object) -> datetime:
    """An ISO time in UTC; a naive one was written in UTC. ValueError when it is none, or
    one UTC cannot hold ("0001-01-01T00:00+05:00")."""
    try:
        parsed = datetime.fromisoformat(str(value)[:64])
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("out of range") from exc
