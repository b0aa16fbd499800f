"""Telegram Desktop's "Export chat history" (one chat, e.g. Saved Messages) and full-account
export (`chats.list`), in its JSON format, read as import items.

A message is dated by `date_unixtime` (exact, UTC); its text is the plain text of its
entities (bold, links, mentions... read as text); a photo, voice or video message or file
is the file beside result.json (absent when the export left files out: then the message's
words are kept and the file reported). Service messages are skipped, and by default so are
other senders' messages (counted: `OpenedImport.others`).

Who said it is the item's `origin`: `forwarded_from` for a forward, the sender's name for
another sender's message (kept with `ImportOptions.all_senders`), None for the user's own;
another sender's Telegram id goes in the item's meta (`from_id`).

result.json is never read whole: its bytes are checked once for a size cap and short tokens,
then streamed (ijson), one message at a time (adapters/imports/json_stream.py).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import ijson

from knowledge.adapters.imports.json_stream import check_tokens, objects, top_level_keys
from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportItem, ImportLimits, ImportOptions
from knowledge.domain.ports import OpenedImport

SPOKEN = ("voice_message", "video_message")
NOT_KEPT = ("sticker", "animation")  # their emoji or caption is kept, not the file
NOT_INCLUDED = "(File not included"
MESSAGE_PREFIXES = ("messages.item", "chats.list.item.messages.item", "chats.item.messages.item")
CHAT_PREFIXES = ("", "chats.list.item", "chats.item")
HEADER = ("id", "name", "type")
ACCOUNT = "personal_information.user_id"
MAX_CHATS = 20_000
HEADER_CHARS = 256  # of a chat's name or type kept while its messages are read
NAME_CHARS = 120  # of a sender's name (or id) kept: the notes' origin holds 255


@dataclass
class _Chat:
    """A chat's own fields (its messages apart)."""

    fields: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


@dataclass
class _Export:
    chats: list[_Chat]
    account: int | None


def is_export(result: Path, limits: ImportLimits) -> bool:
    """A Telegram export's result.json, told by its first top-level keys (read no further)."""
    with result.open("rb") as handle:
        check_tokens(handle, max_bytes=limits.json_bytes, name=result.name)
    with result.open("rb") as handle:
        return top_level_keys(handle, ("messages", "chats")) is not None


def opened(
    result: Path,
    options: ImportOptions,
    limits: ImportLimits,
    *,
    files: dict[str, Path] | None = None,
) -> OpenedImport:
    """The export whose result.json is `result`, files resolved beside it (or through
    `files`, the paths of an unpacked zip); read three times
    as a stream (never whole): its chats' own fields, which messages are chosen, then the
    messages themselves, one at a time."""
    try:
        with result.open("rb") as handle:
            check_tokens(handle, max_bytes=limits.json_bytes, name=result.name)
    except OSError as exc:
        raise ImportUnreadable(f"{result.name} could not be read: {exc}") from exc
    export = _headers(result)
    chosen, skipped, others = 0, 0, 0
    for chat, message in _messages(result, export):
        if _chosen(chat, message, export.account, options):
            chosen += 1
        else:
            skipped += 1
            others += message.get("type") == "message"
    if chosen == 0 and skipped and not options.all_senders:
        raise ImportUnreadable(
            "none of the export's messages are from you: pass --me with your Telegram id "
            "(or --all-senders to keep everyone's)",
            "import_not_yours",
        )
    folder = result.parent
    return OpenedImport(
        kind="telegram",
        items=(
            _item(chat, message, folder, files, _mine(chat, message, export.account, options))
            for chat, message in _messages(result, export)
            if _chosen(chat, message, export.account, options)
        ),
        total=chosen,
        skipped=skipped,
        others=others,
    )


def _headers(result: Path) -> _Export:
    """Each chat's own fields and the account's id: the first of the three reads."""
    chats: list[_Chat] = []
    account = None
    layout = None
    nested = (f"{chat}.{key}" for chat in CHAT_PREFIXES[1:] for key in HEADER)
    wanted = (*HEADER, *nested)
    with result.open("rb") as handle:
        try:
            for prefix, event, value in ijson.parse(handle, use_float=True):
                if prefix == "" and event == "map_key" and value in ("messages", "chats"):
                    layout = layout or value
                elif event == "start_map" and prefix in CHAT_PREFIXES[1:]:
                    chats.append(_Chat())
                    if len(chats) > MAX_CHATS:
                        raise ImportUnreadable(f"the export lists over {MAX_CHATS} chats")
                elif prefix == ACCOUNT and isinstance(value, int):
                    account = value
                elif prefix in wanted and event in ("string", "number", "boolean"):
                    key = prefix.rsplit(".", 1)[-1]
                    value = value[:HEADER_CHARS] if isinstance(value, str) else value
                    if "." not in prefix and layout != "chats":
                        if not chats:
                            chats.append(_Chat())
                        chats[0].fields[key] = value
                    elif "." in prefix and chats:
                        chats[-1].fields[key] = value
        except ijson.JSONError as exc:
            raise ImportUnreadable(f"{result.name} is not a Telegram export: {exc}") from exc
    if layout is None:
        raise ImportUnreadable(f"{result.name} is not a Telegram export (no messages, no chats)")
    if layout == "messages" and not chats:
        chats.append(_Chat())
    return _Export(chats, account)


def _messages(result: Path, export: _Export) -> Iterator[tuple[_Chat, dict[str, Any]]]:
    """Every message with its chat, in file order, one at a time."""
    index = -1
    with result.open("rb") as handle:
        for prefix, value in objects(handle, MESSAGE_PREFIXES, markers=CHAT_PREFIXES[1:]):
            if prefix in CHAT_PREFIXES:
                index += 1  # the next chat of a full export begins
            elif isinstance(value, dict) and export.chats:
                yield export.chats[min(max(index, 0), len(export.chats) - 1)], value


def _chosen(
    chat: _Chat, message: dict[str, Any], account: int | None, options: ImportOptions
) -> bool:
    if message.get("type") != "message":
        return False
    return options.all_senders or _mine(chat, message, account, options)


def _mine(
    chat: _Chat, message: dict[str, Any], account: int | None, options: ImportOptions
) -> bool:
    """The user's own message (as far as the export tells)."""
    return _is_from(message, _own_sender(chat, account, options), chat)


def _own_sender(chat: _Chat, account: int | None, options: ImportOptions) -> str | None:
    """`from_id` of the user's own messages in this chat, when it can be told."""
    if account is not None:
        return f"user{account}"
    if chat.get("type") == "saved_messages" and chat.get("id") is not None:
        return f"user{chat.get('id')}"  # Saved Messages is the chat with oneself
    if options.me is not None:
        return f"user{options.me}"
    return None


def _is_from(message: dict[str, Any], own: str | None, chat: _Chat) -> bool:
    sender = str(message.get("from_id") or "")
    if own is not None:
        return sender == own
    if chat.get("type") == "saved_messages":
        return True
    if chat.get("type") == "personal_chat":  # the other person's id is the chat's
        return sender != f"user{chat.get('id')}"
    return False


def _file_of(relative: str, folder: Path, files: dict[str, Path] | None) -> Path | None:
    """The file a message names: through the map of an unpacked zip, or beside result.json
    in a folder (never outside it); None when it is not there."""
    if files is not None:
        return files.get(posixpath.normpath(relative.replace("\\", "/")))
    try:
        path = (folder / relative).resolve()
        return path if path.is_relative_to(folder.resolve()) and path.is_file() else None
    except (OSError, ValueError):  # a NUL byte, a name too long
        return None


def _item(
    chat: _Chat,
    message: dict[str, Any],
    folder: Path,
    files: dict[str, Path] | None,
    mine: bool = True,
) -> ImportItem:
    chat_id = chat.get("id", "chat")
    chat_name = str(chat.get("name") or "Saved Messages")
    number = message.get("id")
    text, links = plain_text(message)
    label = f"message {number} of {chat_name}"
    origin, meta = said_by(message, mine)
    item = ImportItem(
        source=f"tg:{chat_id}:{number}",
        written=_written(message),
        text=text,
        origin=origin,
        links=tuple(links),
        label=label,
        meta={"chat": chat_name, **meta},
    )
    relative = message.get("photo") or message.get("file")
    if not relative or message.get("media_type") in NOT_KEPT:
        return item
    if str(relative).startswith(NOT_INCLUDED):
        return _missing(item, "the export did not include its file")
    path = _file_of(str(relative), folder, files)
    if path is None:
        return _missing(item, f"its file {str(relative)[:200]} is not in the export")
    return ImportItem(
        source=item.source,
        written=item.written,
        text=text,
        origin=item.origin,
        file=path,
        name=str(message.get("file_name") or PurePosixPath(str(relative)).name),
        spoken=message.get("media_type") in SPOKEN,
        links=item.links,
        label=label,
        meta=item.meta,
    )


def said_by(message: dict[str, Any], mine: bool) -> tuple[str | None, dict[str, str]]:
    """Who said a message (its origin: None for the user's own words) and what the item's
    meta keeps of it: another sender's Telegram id."""
    meta: dict[str, str] = {}
    if not mine:
        meta["from_id"] = str(message.get("from_id") or "")[:NAME_CHARS]
    forwarded = message.get("forwarded_from")
    if forwarded:
        origin: str | None = str(forwarded)
    elif mine:
        origin = None
    else:  # a deleted account has no name: its id stands for it
        origin = str(message.get("from") or message.get("from_id") or "?")
    if origin is not None:
        origin = " ".join(origin.split())[:NAME_CHARS] or "?"
    return origin, meta


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
    stamp = str(message.get("date_unixtime") or "")[:12]
    try:
        if stamp.isdigit():
            return datetime.fromtimestamp(int(stamp), UTC)
        # older exports: the exporting machine's local time, read as UTC
        return datetime.fromisoformat(str(message.get("date"))[:40]).replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.now(UTC)
