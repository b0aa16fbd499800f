"""A mnemo export (`/export`, `mnemo export`: manifest.json, documents.json, notes.json,
reminders.json and originals/) read back as import items and reminders, for moving to
another install. Each is keyed by the exporting install's user and its own id, so
importing the same zip twice adds nothing."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportedReminder, ImportItem
from knowledge.domain.ports import OpenedImport

FORMAT = "mnemo-export"
REMINDERS = "reminders.json"


def is_mnemo_export(archive: zipfile.ZipFile) -> bool:
    if "manifest.json" not in archive.namelist():
        return False
    try:
        return bool(json.loads(archive.read("manifest.json")).get("format") == FORMAT)
    except (ValueError, AttributeError):
        return False


def opened(archive: zipfile.ZipFile, folder: Path) -> OpenedImport:
    """The export's documents, their originals extracted to `folder`."""
    try:
        manifest = json.loads(archive.read("manifest.json"))
        documents = json.loads(archive.read("documents.json"))
        notes = {note["document_id"]: note for note in json.loads(archive.read("notes.json"))}
        names = archive.namelist()  # only the first part of an export holds the reminders
        reminders = json.loads(archive.read(REMINDERS)) if REMINDERS in names else []
    except (KeyError, ValueError, TypeError) as exc:
        raise ImportUnreadable(f"the mnemo export is damaged: {exc}") from exc
    owner = manifest.get("user_id", "user")
    listed = [doc for doc in documents if isinstance(doc, dict)]
    return OpenedImport(
        kind="mnemo-export",
        items=(_item(archive, folder, owner, doc, notes.get(doc.get("id"))) for doc in listed),
        total=len(listed),
        reminders=[_reminder(owner, r) for r in reminders if isinstance(r, dict)],
    )


def _reminder(owner: object, entry: dict[str, Any]) -> ImportedReminder:
    document = entry.get("document_id")
    zone = str(entry.get("zone") or "UTC")
    due, problem = None, None
    try:
        ZoneInfo(zone)
        due = _aware(entry["due_at"]) if entry.get("due_at") else None
    except (ValueError, ZoneInfoNotFoundError) as exc:
        problem = f"its time could not be read ({exc})"
    return ImportedReminder(
        source=f"mnemo:{owner}:reminder:{entry.get('id')}",
        text=str(entry.get("text") or ""),
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
    doc: dict[str, Any],
    note: dict[str, Any] | None,
) -> ImportItem:
    source = f"mnemo:{owner}:{doc.get('id')}"
    label = str(doc.get("name") or source)
    written = _time(doc.get("created_at"))
    meta = {key: value for key, value in (doc.get("meta") or {}).items() if key != "version"}
    if doc.get("kind") == "note":
        text = str(note.get("text", "")) if note else ""
        origin = note.get("origin") if note else None
        return ImportItem(source, written, text=text, origin=origin, label=label)
    member = doc.get("file")
    if not member or member not in archive.namelist():
        return ImportItem(source, written, label=label, problem="its original is not in the export")
    target = folder / f"{doc.get('id')}-{Path(str(member)).name}"
    with archive.open(str(member)) as src, target.open("wb") as out:
        while piece := src.read(1 << 20):
            out.write(piece)
    return ImportItem(
        source,
        written,
        text=str(meta.get("caption", "")),
        file=target,
        name=str(doc.get("name") or target.name),
        spoken=doc.get("kind") == "voice",
        meta={key: meta[key] for key in ("url", "site", "title") if key in meta},
        label=label,
    )


def _time(value: object) -> datetime:
    try:
        return _aware(value)
    except ValueError:
        return datetime.now(UTC)


def _aware(value: object) -> datetime:
    """An ISO time; a naive one was written in UTC. ValueError when it is none."""
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
