"""A fake Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1 only).

The real bot process talks to it over HTTP exactly as it would to api.telegram.org. Tests act
as users through /test/* endpoints and read back, in order, everything the bot did.

Updates go out by getUpdates (long polling) or, once the bot calls setWebhook, as Telegram
does then: POSTed one at a time, in order, to the webhook URL with the secret token header,
and tried again every half second until the bot answers 200 (so updates sent while the bot
is down arrive when it is back). Each attempt is recorded as a "webhookDelivery" event.

Run: python -m tests.fake_telegram --port 8081
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

BOT_ID = 7000000001
BOT = {"id": BOT_ID, "is_bot": True, "first_name": "mnemo", "username": "mnemo_test_bot"}


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
    failures: dict[str, list[int]] = field(default_factory=dict)
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
                if hasattr(value, "file"):
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

    # The Bot API -------------------------------------------------------------------------

    async def bot_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        pending = self.state.failures.get(method)
        if pending:
            retry_after = pending.pop(0)
            self._record(method, params, {"error": 429, "retry_after": retry_after})
            return _error(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        return await handler(params)

    async def api_getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                **BOT,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
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
                        status = response.status
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
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
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
        """Act as a user: a text, command, document, photo, forward or button press."""
        spec = await request.json()
        user_id = int(spec["user_id"])
        user = _user(user_id, spec.get("language", "en"))
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        update_id = next(self.state.update_ids)
        if "callback_data" in spec:
            message = self.state.messages[(user_id, int(spec["message_id"]))]
            update = {
                "update_id": update_id,
                "callback_query": {
                    "id": f"cq{update_id}",
                    "from": user,
                    "message": message,
                    "chat_instance": str(user_id),
                    "data": spec["callback_data"],
                },
            }
        else:
            message = {
                "message_id": self.state.next_message_id(user_id),
                "date": int(time.time()),
                "chat": chat,
                "from": user,
            }
            text = spec.get("text")
            if text is not None:
                message["text"] = text
                if text.startswith("/"):
                    length = len(text.split()[0])
                    message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
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
                    "mime_type": "audio/ogg",
                    "file_size": len(data),
                }
            if "caption" in spec:
                message["caption"] = spec["caption"]
            if "reply_to" in spec:  # a reply to one of the bot's messages in this chat
                replied = self.state.messages[(user_id, int(spec["reply_to"]))]
                message["reply_to_message"] = copy.deepcopy(replied)
            if "forward_from" in spec:
                message["forward_origin"] = {
                    "type": "hidden_user",
                    "date": int(time.time()) - 60,
                    "sender_user_name": spec["forward_from"],
                }
            self.state.messages[(user_id, message["message_id"])] = message
            update = {"update_id": update_id, "message": message}
        self.state.updates.append(update)
        self.state.new_update.set()
        return web.json_response({"update_id": update_id, "received": time.time()})

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
        """Make the next `count` calls of `method` answer 429 with retry_after."""
        spec = await request.json()
        queue = self.state.failures.setdefault(spec["method"], [])
        queue.extend([int(spec.get("retry_after", 1))] * int(spec.get("count", 1)))
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
            "chat": {"id": chat_id, "type": "private"},
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
    args = parser.parse_args()
    web.run_app(FakeTelegram().app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
