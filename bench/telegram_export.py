"""Telegram Desktop exports written here, in the JSON format Telegram documents for
"Export chat history" (one chat's result.json) and the full-account export (chats.list),
for the import tests and bench/imports.py. Never a real person's export.

Messages are short personal notes from bench/diary_set.py in four languages, spread over
the days from `start`, with what real exports hold: formatted text and links as entity
lists, forwarded messages, service messages (a pin, a call), stickers, a file the export
left out, photos, voice and round video messages, and documents.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.diary_set import diary

USER_ID = 424242
NAME = "Ana Example"


@dataclass(frozen=True)
class ExportPlan:
    messages: int
    start: datetime = datetime(2023, 1, 1, 8, 0, tzinfo=UTC)
    days: int = 730  # spread over two years
    photos: int = 0
    voices: int = 0
    files: int = 0
    links: tuple[str, ...] = ()  # URLs some messages hold
    seed: int = 7
    extra: list[dict[str, Any]] = field(default_factory=list)  # messages added as they are


def notes_pool(seed: int) -> list[str]:
    """Short notes as people send them, in en, ru, es and zh."""
    pool: list[str] = []
    for person in ("en", "ru", "es", "zh"):
        pool += [item.text for item in diary(person, seed) if item.kind == "note"]
    return pool


def write_export(
    folder: Path,
    plan: ExportPlan,
    *,
    photo: Callable[[Path, int], object] | None = None,
    voice: Callable[[Path, int], object] | None = None,
    file: Callable[[Path, int], object] | None = None,
) -> Path:
    """A Saved Messages export of `plan` in `folder`; returns result.json. The callbacks
    write the media (the nth photo, voice note, file); by default small placeholders."""
    rng = random.Random(plan.seed)
    pool = notes_pool(plan.seed)
    folder.mkdir(parents=True, exist_ok=True)
    messages: list[dict[str, Any]] = []
    step = timedelta(days=plan.days) / max(plan.messages, 1)
    media = ["photo"] * plan.photos + ["voice"] * plan.voices + ["file"] * plan.files
    media += [""] * max(plan.messages - len(media), 0)
    rng.shuffle(media)
    counts = {"photo": 0, "voice": 0, "file": 0}
    for number in range(1, plan.messages + 1):
        when = plan.start + step * (number - 1) + timedelta(minutes=rng.randint(0, 50))
        message = message_at(number, when)
        kind = media[number - 1]
        text = pool[(number * 7919) % len(pool)]
        if kind == "photo":
            path = folder / "photos" / f"photo_{counts['photo'] + 1}@{when:%d-%m-%Y_%H-%M-%S}.jpg"
            path.parent.mkdir(exist_ok=True)
            (photo or _placeholder)(path, counts["photo"])
            message.update(photo=path.relative_to(folder).as_posix(), width=640, height=480)
            message["text"] = text if counts["photo"] % 2 else ""
        elif kind == "voice":
            path = folder / "voice_messages" / f"audio_{counts['voice'] + 1}@{when:%d-%m-%Y}.ogg"
            path.parent.mkdir(exist_ok=True)
            (voice or _placeholder)(path, counts["voice"])
            message.update(
                file=path.relative_to(folder).as_posix(),
                media_type="voice_message",
                mime_type="audio/ogg",
                duration_seconds=3,
                text="",
            )
        elif kind == "file":
            path = folder / "files" / f"notes-{counts['file'] + 1}.txt"
            path.parent.mkdir(exist_ok=True)
            (file or _text_file)(path, counts["file"])
            message.update(file=path.relative_to(folder).as_posix(), mime_type="text/plain")
            message["text"] = ""
        else:
            message["text"] = text
        if kind:
            counts[kind] += 1
        if not kind and plan.links and number % 97 == 0:
            url = plan.links[(number // 97) % len(plan.links)]
            message["text"] = [
                {"type": "bold", "text": "Read later: "},
                {"type": "link", "text": url},
            ]
        elif not kind and number % 53 == 0:
            message["forwarded_from"] = "Marta"
        message["text_entities"] = _entities(message["text"])
        messages.append(message)
    messages += plan.extra
    export = {
        "name": "Saved Messages",
        "type": "saved_messages",
        "id": USER_ID,
        "messages": messages,
    }
    result = folder / "result.json"
    result.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def message_at(number: int, when: datetime) -> dict[str, Any]:
    """A message of the user's own, with no text yet."""
    return {
        "id": number,
        "type": "message",
        "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(when.timestamp())),
        "from": NAME,
        "from_id": f"user{USER_ID}",
    }


def _entities(text: object) -> list[dict[str, Any]]:
    if isinstance(text, list):
        return [
            part if isinstance(part, dict) else {"type": "plain", "text": part} for part in text
        ]
    return [{"type": "plain", "text": str(text)}] if text else []


def service_message(number: int, when: datetime, action: str = "pin_message") -> dict[str, Any]:
    return {
        "id": number,
        "type": "service",
        "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(when.timestamp())),
        "actor": NAME,
        "actor_id": f"user{USER_ID}",
        "action": action,
        "text": "",
        "text_entities": [],
    }


def full_account(folder: Path, chats: list[dict[str, Any]]) -> Path:
    """A full-account export (personal_information, chats.list) of these chats."""
    data = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": USER_ID, "first_name": "Ana", "last_name": "Example"},
        "chats": {"about": "This page lists all chats from this export.", "list": chats},
    }
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / "result.json"
    result.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return result


def _placeholder(path: Path, number: int) -> None:
    path.write_bytes(b"placeholder %d" % number)


def _text_file(path: Path, number: int) -> None:
    path.write_text(
        f"Packing list {number}: passport, charger, the blue scarf.\n", encoding="utf-8"
    )
