"""A fake Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1 only).

The real bot process talks to it over HTTP exactly as it would to api.telegram.org. Tests act
as users through /test/* endpoints and read back, in order, everything the bot did.

Updates go out by getUpdates (long polling) or, once the bot calls setWebhook, as Telegram
does then: POSTed one at a time, in order, to the webhook URL with the secret token header,
and tried again every half second until the bot answers 200 (so updates sent while the bot
is down arrive when it is back). Each attempt is recorded as a "webhookDelivery" event.

Chats are private (a user's own, opened when they first write to the bot) or shared: a
group or supergroup with several members (an anonymous admin, someone posting as a channel,
another bot among them), or a channel with its posts. As Telegram does, the fake refuses
(403) to write to a user who never opened their private chat with the bot, refuses uploads
over 50 MB (413), and refuses a token other than the one it was started with (401).

Run: python -m tests.fake_telegram --port 8081 [--token TOKEN]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from aiohttp.web_request import FileField

BOT_ID = 7000000001
BOT_USERNAME = "mnemo_test_bot"
BOT = {"id": BOT_ID, "is_bot": True, "first_name": "mnemo", "username": BOT_USERNAME}
ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
UPLOAD_LIMIT = 50 * 1024 * 1024  # what the public Bot API takes in one upload
NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"
BLOCKED = "Forbidden: bot was blocked by the user"


@dataclass
class StoredFile:
    file_id: str
    path: str
    data: bytes
    name: str | None = None
    mime: str | None = None


@dataclass
class State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    new_update: asyncio.Event = field(default_factory=asyncio.Event)
    events: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    message_ids: dict[int, itertools.count] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    file_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    started: set[int] = field(default_factory=set)  # users whose private chat is open
    blocked: set[int] = field(default_factory=set)
    token: str | None = None  # None: any token
    get_updates_calls: int = 0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    delivering: asyncio.Task[None] | None = None

    def next_message_id(self, chat_id: int) -> int:
        return next(self.message_ids.setdefault(chat_id, itertools.count(1)))

    def add_file(self, data: bytes, kind: str, name: str | None, mime: str | None) -> StoredFile:
        number = next(self.file_ids)
        suffix = f".{name.rsplit('.', 1)[-1]}" if name and "." in name else ""
        stored = StoredFile(f"F{number:06d}", f"{kind}/file_{number}{suffix}", data, name, mime)
        self.files[stored.file_id] = stored
        return stored


@dataclass
class Failure:
    """One call the fake refuses: an HTTP status and Telegram's description."""

    status: int
    description: str
    chat_id: int | None = None  # only calls to this chat
    skip: int = 0  # let this many matching calls pass first
    retry_after: int | None = None

    def matches(self, params: dict[str, Any]) -> bool:
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram marks in a text: a leading command, @mentions."""
    found = []
    if text.startswith("/"):
        found.append({"type": "bot_command", "offset": 0, "length": _utf16(text.split()[0])})
    command_end = len(text.split()[0]) if text.startswith("/") else 0
    start = 0
    while (at := text.find("@", start)) >= 0:
        end = at + 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        after_space = at == 0 or text[at - 1] in " \n"
        if end - at > 5 and after_space and at >= command_end:  # not /cmd@bot's own suffix
            found.append({"type": "mention", "offset": _utf16(text[:at]), "length": end - at})
        start = end
    return found


def _user(user_id: int, language: str = "en") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"User{user_id}",
        "language_code": language,
    }


_TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
    "span",
    "tg-emoji",
}


class _HtmlText(HTMLParser):
    """Telegram's HTML parse mode: known tags only, balanced; the text without them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TELEGRAM_TAGS:
            raise ValueError(f'Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            raise ValueError(f'Unexpected end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _rendered(params: dict[str, Any], key: str = "text") -> str:
    """The text as a Telegram client would get it; ValueError where Telegram says 400."""
    raw = str(params.get(key) or "")
    if params.get("parse_mode") != "HTML":
        return raw
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    if parser.open:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{parser.open[-1]}"')
    return "".join(parser.text)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, **extra: Any) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    if extra:
        body["parameters"] = extra
    return web.json_response(body, status=code)


async def _params(request: web.Request) -> dict[str, Any]:
    """Bot API parameters from a query string, JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(request.query)
    if request.body_exists:
        kind = request.content_type
        if kind == "application/json":
            params.update(await request.json())
        elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    params[key] = {
                        "filename": value.filename,
                        "data": value.file.read(),
                        "content_type": value.content_type,
                    }
                else:
                    params[key] = value
    for key in ("reply_markup", "commands", "entities", "allowed_updates"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


class FakeTelegram:
    def __init__(self) -> None:
        self.state = State()
        self.app = web.Application(client_max_size=200 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self.bot_method)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self.download)
        self.app.router.add_post("/test/send", self.test_send)
        self.app.router.add_get("/test/events", self.test_events)
        self.app.router.add_post("/test/fail", self.test_fail)
        self.app.router.add_get("/test/file/{file_id}", self.test_file)
        self.app.router.add_get("/test/pending", self.test_pending)
        self.app.router.add_post("/test/restart_ids", self.test_restart_ids)
        self.app.router.add_post("/test/block", self.test_block)

    # The Bot API -------------------------------------------------------------------------

    async def bot_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.state.token is not None and request.match_info["token"] != self.state.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        failure = self._failure(method, params)
        if failure is not None:
            self._record(method, params, {"error": failure.status, "failed": True})
            if failure.retry_after is not None:
                return _error(429, failure.description, retry_after=failure.retry_after)
            return _error(failure.status, failure.description)
        refused = self._closed_chat(method, params)
        if refused is not None:
            self._record(method, params, {"error": 403, "description": refused})
            return _error(403, refused)
        return await handler(params)

    def _failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        pending = self.state.failures.get(method) or []
        for failure in pending:
            if failure.matches(params):
                if failure.skip:
                    failure.skip -= 1
                    return None
                pending.remove(failure)
                return failure
        return None

    def _closed_chat(self, method: str, params: dict[str, Any]) -> str | None:
        """Telegram's 403 for a private chat the user never opened, or blocked."""
        if not method.startswith(("send", "edit", "copy", "forward")) or "chat_id" not in params:
            return None
        chat_id = int(params["chat_id"])
        if chat_id < 0:
            return None  # a group or channel the bot is in
        if chat_id in self.state.blocked:
            return BLOCKED
        return None if chat_id in self.state.started else NOT_STARTED

    async def api_getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                **BOT,
                "can_join_groups": True,
                "can_read_all_group_messages": True,  # privacy mode off: it sees all
                "supports_inline_queries": False,
            }
        )

    async def api_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.state.webhook_url = self.state.webhook_secret = None
        return _ok(True)

    async def api_setWebhook(self, params: dict[str, Any]) -> web.Response:
        state = self.state
        state.webhook_url = str(params["url"])
        state.webhook_secret = params.get("secret_token")
        self._record("setWebhook", {"url": state.webhook_url}, True)
        if state.delivering is None:
            state.delivering = asyncio.get_running_loop().create_task(self._deliver())
        state.new_update.set()
        return _ok(True)

    async def _deliver(self) -> None:
        """Telegram's side of a webhook: the oldest update, POSTed until it is taken."""
        state = self.state
        async with ClientSession(timeout=ClientTimeout(total=30)) as session:
            while True:
                if not (state.updates and state.webhook_url):
                    state.new_update.clear()
                    await state.new_update.wait()
                    continue
                update = state.updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": state.webhook_secret or ""}
                try:
                    async with session.post(
                        state.webhook_url, json=update, headers=headers
                    ) as response:
                        status: int | str = response.status
                except (ClientError, TimeoutError) as exc:
                    status = type(exc).__name__
                self._record("webhookDelivery", {"update_id": update["update_id"]}, status)
                if status == 200:
                    state.updates.pop(0)
                else:
                    await asyncio.sleep(0.5)

    async def api_getUpdates(self, params: dict[str, Any]) -> web.Response:
        if self.state.webhook_url:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        self.state.get_updates_calls += 1
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        state = self.state
        state.updates = [u for u in state.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not state.updates and time.monotonic() < deadline:
            state.new_update.clear()
            try:
                await asyncio.wait_for(state.new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        state.updates = [u for u in state.updates if u["update_id"] >= offset]
        return _ok(state.updates[:limit])

    async def api_sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        try:
            text = _rendered(params)
        except ValueError as exc:
            return _error(400, f"Bad Request: can't parse entities: {exc}")
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        message = self._bot_message(chat_id, text=text)
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        if markup and "inline_keyboard" in markup:  # a message carries inline buttons only
            message["reply_markup"] = markup
        self._record("sendMessage", params, message)
        return _ok(message)

    async def api_editMessageText(self, params: dict[str, Any]) -> web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.state.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        try:
            text = _rendered(params)
        except ValueError as exc:
            return _error(400, f"Bad Request: can't parse entities: {exc}")
        if len(text) > 4096:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        if message.get("text") == text and message.get("reply_markup") == markup:
            self._record("editMessageText", params, {"error": 400})
            return _error(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message["text"] = text
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        self._record("editMessageText", params, message)
        return _ok(message)

    async def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.state.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.get("reply_markup") == markup or (not markup and "reply_markup" not in message):
            return _error(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        self._record("editMessageReplyMarkup", params, message)
        return _ok(message)

    async def api_deleteMessage(self, params: dict[str, Any]) -> web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if self.state.messages.pop(key, None) is None:
            return _error(400, "Bad Request: message to delete not found")
        self._record("deleteMessage", params, True)
        return _ok(True)

    async def api_sendChatAction(self, params: dict[str, Any]) -> web.Response:
        self._record("sendChatAction", params, True)
        return _ok(True)

    async def api_sendDocument(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file("sendDocument", "document", params)

    async def api_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file("sendPhoto", "photo", params)

    async def _send_file(
        self, method: str, field_name: str, params: dict[str, Any]
    ) -> web.Response:
        chat_id = int(params["chat_id"])
        upload = params.get(field_name)
        if not isinstance(upload, dict):
            return _error(400, f"Bad Request: there is no {field_name} in the request")
        if len(upload["data"]) > UPLOAD_LIMIT:
            self._record(method, {"chat_id": chat_id}, {"error": 413, "size": len(upload["data"])})
            return _error(413, "Request Entity Too Large")
        stored = self.state.add_file(
            upload["data"], "sent", upload["filename"], upload["content_type"]
        )
        message = self._bot_message(chat_id, caption=params.get("caption"))
        message[field_name] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id,
            "file_name": upload["filename"],
            "file_size": len(upload["data"]),
        }
        self._record(method, {k: v for k, v in params.items() if k != field_name}, message)
        return _ok(message)

    async def api_getFile(self, params: dict[str, Any]) -> web.Response:
        stored = self.state.files.get(str(params["file_id"]))
        if stored is None:
            return _error(400, "Bad Request: invalid file_id")
        self._record("getFile", params, {"file_path": stored.path})
        return _ok(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_id,
                "file_size": len(stored.data),
                "file_path": stored.path,
            }
        )

    async def api_setMyCommands(self, params: dict[str, Any]) -> web.Response:
        self._record("setMyCommands", params, True)
        return _ok(True)

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        self._record("answerCallbackQuery", params, True)
        return _ok(True)

    async def api_close(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for stored in self.state.files.values():
            if stored.path == path:
                self._record("download", {"file_path": path}, len(stored.data))
                return web.Response(body=stored.data)
        return web.Response(status=404, text="Not Found")

    # What the tests use -----------------------------------------------------------------

    async def test_send(self, request: web.Request) -> web.Response:
        """Act as a user: a text, command, document, photo, voice, forward, button press or
        edit, in their private chat or in a shared one (`chat`), as themselves or not
        (`anonymous`, `as_channel`, `from_bot`); or a channel's post (`channel_post`), or
        the bot added to a group (`added_to`)."""
        spec = await request.json()
        update_id = next(self.state.update_ids)
        if "channel_post" in spec:
            update = {"update_id": update_id, "channel_post": self._channel_post(spec)}
        elif "added_to" in spec:
            update = {"update_id": update_id, "my_chat_member": self._added(spec)}
        elif "callback_data" in spec:
            update = {"update_id": update_id, "callback_query": self._press(spec, update_id)}
        elif "edit_of" in spec:
            update = {"update_id": update_id, "edited_message": self._edited(spec)}
        else:
            update = {"update_id": update_id, "message": self._message(spec)}
        self.state.updates.append(update)
        self.state.new_update.set()
        sent = update.get("message") or update.get("edited_message") or {}
        return web.json_response(
            {"update_id": update_id, "received": time.time(), "message_id": sent.get("message_id")}
        )

    def _sender(self, spec: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The message's `from` (and `sender_chat`) as Telegram sets them."""
        if spec.get("anonymous"):
            return {"from": ANONYMOUS_ADMIN, "sender_chat": chat}
        if "as_channel" in spec:
            channel = {"id": int(spec["as_channel"]["id"]), "type": "channel"}
            channel["title"] = spec["as_channel"].get("title", "A channel")
            return {"from": CHANNEL_BOT, "sender_chat": channel}
        user = _user(int(spec["user_id"]), spec.get("language", "en"))
        if spec.get("from_bot"):
            user = {**user, "is_bot": True, "username": f"helper{spec['user_id']}_bot"}
        return {"from": user}

    def _chat(self, spec: dict[str, Any]) -> dict[str, Any]:
        if "chat" in spec:
            shared = spec["chat"]
            kind = shared.get("type", "supergroup")
            return {"id": int(shared["id"]), "type": kind, "title": shared.get("title", "Group")}
        user_id = int(spec["user_id"])
        if not spec.get("from_bot"):
            self.state.started.add(user_id)  # writing to the bot opens the private chat
        return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}

    def _message(self, spec: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(spec)
        message: dict[str, Any] = {
            "message_id": self.state.next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            **self._sender(spec, chat),
        }
        self._content(message, spec)
        if "reply_to" in spec:  # a reply to one of the messages in this chat
            replied = self.state.messages[(chat["id"], int(spec["reply_to"]))]
            message["reply_to_message"] = copy.deepcopy(replied)
        if "forward_from" in spec:
            message["forward_origin"] = {
                "type": "hidden_user",
                "date": int(time.time()) - 60,
                "sender_user_name": spec["forward_from"],
            }
        self.state.messages[(chat["id"], message["message_id"])] = message
        return message

    def _content(self, message: dict[str, Any], spec: dict[str, Any]) -> None:
        text = spec.get("text")
        if text is not None:
            message["text"] = text
            if entities := _entities(text):
                message["entities"] = entities
        if "document" in spec:
            doc = spec["document"]
            data = base64.b64decode(doc["data"])
            stored = self.state.add_file(data, "documents", doc["name"], doc.get("mime"))
            message["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_id,
                "file_name": doc["name"],
                "mime_type": doc.get("mime", "application/octet-stream"),
                "file_size": doc.get("size", len(data)),
            }
        if "photo" in spec:
            photo = spec["photo"]
            data = base64.b64decode(photo["data"])
            stored = self.state.add_file(data, "photos", "photo.jpg", "image/jpeg")
            small = self.state.add_file(data[:100], "photos", "thumb.jpg", "image/jpeg")
            message["photo"] = [
                {
                    "file_id": small.file_id,
                    "file_unique_id": small.file_id,
                    "width": 90,
                    "height": 20,
                    "file_size": 100,
                },
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_id,
                    "width": photo["width"],
                    "height": photo["height"],
                    "file_size": len(data),
                },
            ]
        if "voice" in spec:
            voice = spec["voice"]
            data = base64.b64decode(voice["data"])
            stored = self.state.add_file(data, "voice", "voice.ogg", "audio/ogg")
            message["voice"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_id,
                "duration": voice["duration"],
                "mime_type": voice.get("mime", "audio/ogg"),
                "file_size": len(data),
            }
        if "caption" in spec:
            message["caption"] = spec["caption"]
            if entities := _entities(spec["caption"]):
                message["caption_entities"] = entities

    def _edited(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The user edits one of their messages: its text or caption changes."""
        chat_id = int(spec["chat"]["id"]) if "chat" in spec else int(spec["user_id"])
        original = self.state.messages[(chat_id, int(spec["edit_of"]))]
        edited = copy.deepcopy(original)
        edited["edit_date"] = int(time.time())
        if "text" in spec:
            edited.pop("entities", None)
            edited["text"] = spec["text"]
            if entities := _entities(spec["text"]):
                edited["entities"] = entities
        if "caption" in spec:
            edited.pop("caption_entities", None)
            if spec["caption"]:
                edited["caption"] = spec["caption"]
            else:
                edited.pop("caption", None)
        self.state.messages[(chat_id, edited["message_id"])] = edited
        return edited

    def _channel_post(self, spec: dict[str, Any]) -> dict[str, Any]:
        channel_id = int(spec["channel_post"]["id"])
        channel: dict[str, Any] = {"id": channel_id, "type": "channel"}
        channel["title"] = spec["channel_post"].get("title", "A channel")
        post: dict[str, Any] = {
            "message_id": self.state.next_message_id(channel["id"]),
            "date": int(time.time()),
            "chat": channel,
            "sender_chat": channel,
        }
        self._content(post, spec)
        self.state.messages[(channel["id"], post["message_id"])] = post
        return post

    def _added(self, spec: dict[str, Any]) -> dict[str, Any]:
        group = spec["added_to"]
        chat = {"id": int(group["id"]), "type": group.get("type", "group"), "title": "Group"}
        return {
            "chat": chat,
            "from": _user(int(spec["user_id"]), spec.get("language", "en")),
            "date": int(time.time()),
            "old_chat_member": {"user": BOT, "status": "left"},
            "new_chat_member": {"user": BOT, "status": "member"},
        }

    def _press(self, spec: dict[str, Any], update_id: int) -> dict[str, Any]:
        """A button pressed on a message in the presser's chat, or in `chat_id`'s."""
        user_id = int(spec["user_id"])
        chat_id = int(spec.get("chat_id", user_id))
        message = self.state.messages[(chat_id, int(spec["message_id"]))]
        return {
            "id": f"cq{update_id}",
            "from": _user(user_id, spec.get("language", "en")),
            "message": message,
            "chat_instance": str(chat_id),
            "data": spec["callback_data"],
        }

    async def test_events(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        return web.json_response(self.state.events[since:])

    async def test_pending(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "pending": [u["update_id"] for u in self.state.updates],
                "get_updates_calls": self.state.get_updates_calls,
            }
        )

    async def test_restart_ids(self, request: web.Request) -> web.Response:
        """Number updates from 1 again, as a new Bot API server (or Telegram after a week
        without updates) does."""
        self.state.update_ids = itertools.count(1)
        return web.json_response({"ok": True})

    async def test_fail(self, request: web.Request) -> web.Response:
        """Make the next `count` calls of `method` (to `chat_id`, when given, after `skip`
        of them pass) fail: 429 with retry_after by default, or `status` with
        `description`."""
        spec = await request.json()
        queue = self.state.failures.setdefault(spec["method"], [])
        if spec.get("clear"):
            queue.clear()
            return web.json_response({"ok": True})
        for _ in range(int(spec.get("count", 1))):
            if "status" in spec:
                failure = Failure(int(spec["status"]), str(spec.get("description", "Error")))
            else:
                retry = int(spec.get("retry_after", 1))
                failure = Failure(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
            failure.chat_id = spec.get("chat_id")
            failure.skip = int(spec.get("skip", 0))
            queue.append(failure)
        return web.json_response({"ok": True})

    async def test_block(self, request: web.Request) -> web.Response:
        """The user blocks the bot (or, with `unblock`, no longer does)."""
        spec = await request.json()
        user_id = int(spec["user_id"])
        if spec.get("unblock"):
            self.state.blocked.discard(user_id)
        else:
            self.state.blocked.add(user_id)
        return web.json_response({"ok": True})

    async def test_file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            return web.Response(status=404)
        return web.Response(body=stored.data)

    # Helpers ------------------------------------------------------------------------------

    def _bot_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": self.state.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT,
            **{k: v for k, v in content.items() if v is not None},
        }
        self.state.messages[(chat_id, message["message_id"])] = message
        return message

    def _record(self, method: str, params: dict[str, Any], result: Any) -> None:
        clean = {k: v for k, v in params.items() if not isinstance(v, dict) or "data" not in v}
        self.state.events.append(
            {
                "seq": len(self.state.events),
                "time": time.time(),
                "method": method,
                "params": clean,
                "result": copy.deepcopy(result),
            }
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default=None, help="the only token taken (default: any)")
    args = parser.parse_args()
    fake = FakeTelegram()
    fake.state.token = args.token
    web.run_app(fake.app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
