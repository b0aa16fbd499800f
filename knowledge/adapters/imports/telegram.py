"""Telegram Desktop's "Export chat history" (one chat, e.g. Saved Messages) and full-account
export (`chats.list`), in its JSON format, read as import items.

A message is dated by `date_unixtime` (exact, UTC); its text is the plain text of its
entities (bold, links, mentions... read as text); `forwarded_from` is its origin; a photo,
voice or video message or file is the file beside result.json (absent when the export left
files out: then the message's words are kept and the file reported). Service messages are
skipped, and by default so are other senders' messages.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportItem, ImportOptions
from knowledge.domain.ports import OpenedImport

SPOKEN = ("voice_message", "video_message")
NOT_KEPT = ("sticker", "animation")  # their emoji or caption is kept, not the file
NOT_INCLUDED = "(File not included"


def is_export(data: object) -> bool:
    return isinstance(data, dict) and ("messages" in data or "chats" in data)


def load(result: Path) -> dict[str, Any]:
    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportUnreadable(f"{result.name} is not a Telegram export: {exc}") from exc
    if not is_export(data):
        raise ImportUnreadable(f"{result.name} is not a Telegram export (no messages, no chats)")
    return dict(data)


def opened(result: Path, options: ImportOptions) -> OpenedImport:
    """The export whose result.json is `result`, files resolved beside it."""
    data = load(result)
    chats = _chats(data)
    account = _account_id(data)
    chosen: list[tuple[dict[str, Any], dict[str, Any]]] = []
    skipped = 0
    for chat in chats:
        own = _own_sender(chat, account, options)
        for message in chat.get("messages") or []:
            if not isinstance(message, dict) or message.get("type") != "message":
                skipped += 1
            elif options.all_senders or _is_from(message, own, chat):
                chosen.append((chat, message))
            else:
                skipped += 1
    if chosen == [] and skipped and not options.all_senders:
        raise ImportUnreadable(
            "none of the export's messages are from you: pass --me with your Telegram id "
            "(or --all-senders to keep everyone's)",
            "import_not_yours",
        )
    folder = result.parent
    return OpenedImport(
        kind="telegram",
        items=(_item(chat, message, folder) for chat, message in chosen),
        total=len(chosen),
        skipped=skipped,
    )


def _chats(data: dict[str, Any]) -> list[dict[str, Any]]:
    if "messages" in data:
        return [data]
    chats = data.get("chats") or {}
    listed = chats.get("list") if isinstance(chats, dict) else chats
    if not isinstance(listed, list):
        raise ImportUnreadable("the export's chats.list is not a list")
    return [chat for chat in listed if isinstance(chat, dict)]


def _account_id(data: dict[str, Any]) -> int | None:
    info = data.get("personal_information")
    if isinstance(info, dict) and isinstance(info.get("user_id"), int):
        return int(info["user_id"])
    return None


def _own_sender(chat: dict[str, Any], account: int | None, options: ImportOptions) -> str | None:
    """`from_id` of the user's own messages in this chat, when it can be told."""
    if account is not None:
        return f"user{account}"
    if chat.get("type") == "saved_messages" and chat.get("id") is not None:
        return f"user{chat['id']}"  # Saved Messages is the chat with oneself
    if options.me is not None:
        return f"user{options.me}"
    return None


def _is_from(message: dict[str, Any], own: str | None, chat: dict[str, Any]) -> bool:
    sender = str(message.get("from_id") or "")
    if own is not None:
        return sender == own
    if chat.get("type") == "saved_messages":
        return True
    if chat.get("type") == "personal_chat":  # the other person's id is the chat's
        return sender != f"user{chat.get('id')}"
    return False


def _item(chat: dict[str, Any], message: dict[str, Any], folder: Path) -> ImportItem:
    chat_id = chat.get("id", "chat")
    chat_name = str(chat.get("name") or "Saved Messages")
    number = message.get("id")
    text, links = plain_text(message)
    label = f"message {number} of {chat_name}"
    item = ImportItem(
        source=f"tg:{chat_id}:{number}",
        written=_written(message),
        text=text,
        origin=str(message["forwarded_from"]) if message.get("forwarded_from") else None,
        links=tuple(links),
        label=label,
        meta={"chat": chat_name},
    )
    relative = message.get("photo") or message.get("file")
    if not relative or message.get("media_type") in NOT_KEPT:
        return item
    if str(relative).startswith(NOT_INCLUDED):
        return _missing(item, "the export did not include its file")
    path = (folder / str(relative)).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        return _missing(item, f"its file {relative} is not in the export")
    return ImportItem(
        source=item.source,
        written=item.written,
        text=text,
        origin=item.origin,
        file=path,
        name=str(message.get("file_name") or path.name),
        spoken=message.get("media_type") in SPOKEN,
        links=item.links,
        label=label,
        meta=item.meta,
    )


def _missing(item: ImportItem, why: str) -> ImportItem:
    """A message whose file is not there: its words kept, the file reported."""
    if item.text.strip():
        return item
    return ImportItem(item.source, item.written, label=item.label, problem=why)


def plain_text(message: dict[str, Any]) -> tuple[str, list[str]]:
    """The message's text with its entities read as plain text, and the links in it."""
    entities = message.get("text_entities")
    if not isinstance(entities, list):
        raw = message.get("text", "")
        parts = raw if isinstance(raw, list) else [raw]
        entities = [part if isinstance(part, dict) else {"text": str(part)} for part in parts]
    text = "".join(str(entity.get("text", "")) for entity in entities if isinstance(entity, dict))
    links = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "link":
            links.append(str(entity.get("text", "")))
        elif entity.get("type") == "text_link" and entity.get("href"):
            links.append(str(entity["href"]))
    return text, [link for link in links if link.lower().startswith(("http://", "https://"))]


def _written(message: dict[str, Any]) -> datetime:
    stamp = message.get("date_unixtime")
    if stamp is not None and str(stamp).isdigit():
        return datetime.fromtimestamp(int(stamp), UTC)
    try:  # older exports: the exporting machine's local time, read as UTC
        return datetime.fromisoformat(str(message.get("date"))).replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)
