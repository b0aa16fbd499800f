"""Drives the real `mnemo run` process against the fake Bot API, as users would (started
through tests/bot_process.py, which installs the test clock when a test asks for one)."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN-abcdef"

Event = dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


@dataclass
class Harness:
    data_dir: Path
    env_extra: dict[str, str] = field(default_factory=dict)
    # Open to everyone (MNEMO_ALLOWED_USERS=*), as most tests' users are strangers to it;
    # False: a fresh install's closed bot (tests/test_bot_access.py).
    open_to_all: bool = True
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None
    bot: subprocess.Popen[bytes] | None = None
    seen: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.fake_telegram"),
                *("--port", str(self.port), "--token", TOKEN),
            ],
            cwd=ROOT,
        )
        wait_port(self.port)

    def start_bot(self) -> None:
        inherited = {
            k: v for k, v in os.environ.items() if not k.startswith(("MNEMO_", "TELEGRAM_"))
        }
        env = {
            **inherited,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.url,
            "MNEMO_DATA_DIR": str(self.data_dir),
            "MNEMO_POLL_TIMEOUT": "2",
            "MNEMO_TEMPERATURE": "0",  # greedy decoding: the same answer every run
            "HF_HUB_OFFLINE": "1",
            **({"MNEMO_ALLOWED_USERS": "*"} if self.open_to_all else {}),
            **self.env_extra,
        }
        log = (self.data_dir.parent / "bot.log").open("ab")
        self.bot = subprocess.Popen(
            [sys.executable, "-m", "tests.bot_process", "-v", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        self.seen = len(self.events())
        self.wait_for(lambda e: e["method"] == "setMyCommands", timeout=120)

    def use_clock(self, at: datetime) -> None:
        """Run the bot on a clock this test moves (tests/clock.py), starting at `at`."""
        clock = self.data_dir.parent / "clock"
        self.env_extra["MNEMO_TEST_CLOCK_FILE"] = str(clock)
        clock.write_text(at.isoformat())

    def move_clock(self, at: datetime, timeout: float = 10) -> None:
        """Move the bot's clock to `at` and wait until the bot has moved."""
        clock = Path(self.env_extra["MNEMO_TEST_CLOCK_FILE"])
        partial = clock.with_name("clock.partial")
        partial.write_text(at.isoformat())
        partial.replace(clock)
        ack = clock.with_name(clock.name + ".ack")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ack.is_file() and ack.read_text() == at.isoformat():
                return
            time.sleep(0.02)
        raise TimeoutError("the bot's clock did not move")

    def stop_bot(self, sig: int = signal.SIGTERM) -> int:
        assert self.bot is not None
        self.bot.send_signal(sig)
        code = self.bot.wait(timeout=60)
        self.bot = None
        return code

    def close(self) -> None:
        for process in (self.bot, self.server):
            if process and process.poll() is None:
                process.kill()
                process.wait()

    # Acting as users --------------------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def send(self, user: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"user_id": user, **extra}
        if text is not None:
            body["text"] = text
        return self._post("/test/send", body)

    def send_file(
        self, user: int, path: Path, caption: str | None = None, name: str | None = None
    ) -> dict[str, Any]:
        document = {"name": name or path.name, "data": base64.b64encode(path.read_bytes()).decode()}
        extra = {"caption": caption} if caption else {}
        return self.send(user, document=document, **extra)

    def send_photo(self, user: int, path: Path, caption: str | None = None) -> dict[str, Any]:
        from PIL import Image

        with Image.open(path) as image:
            width, height = image.size
        photo = {
            "data": base64.b64encode(path.read_bytes()).decode(),
            "width": width,
            "height": height,
        }
        extra = {"caption": caption} if caption else {}
        return self.send(user, photo=photo, **extra)

    def send_voice(self, user: int, path: Path, duration: int) -> dict[str, Any]:
        """A voice message as Telegram sends one: Ogg/Opus, its duration in seconds."""
        voice = {"data": base64.b64encode(path.read_bytes()).decode(), "duration": duration}
        return self.send(user, voice=voice)

    def press(self, user: int, message_id: int, data: str) -> dict[str, Any]:
        return self.send(user, callback_data=data, message_id=message_id)

    def restart_update_ids(self) -> None:
        """Number updates from 1 again, as a new Bot API server does."""
        self._post("/test/restart_ids", {})

    def fail_next(self, method: str, retry_after: int = 1, count: int = 1, **how: Any) -> None:
        """The next `count` calls of `method` answer 429 with `retry_after`, or, given
        `status` and `description`, that error; `chat_id` picks the calls to one chat,
        `skip` lets that many pass first."""
        body = {"method": method, "retry_after": retry_after, "count": count, **how}
        self._post("/test/fail", body)

    def send_in_group(
        self, user: int, group: int, text: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A member of a supergroup writes in it (as themselves, unless `anonymous` or
        `as_channel` says otherwise)."""
        return self.send(user, text, chat={"id": group, "type": "supergroup"}, **extra)

    def edit(self, user: int, message_id: int, **changes: Any) -> dict[str, Any]:
        """The user edits one of their messages: its `text` or `caption`."""
        return self.send(user, edit_of=message_id, **changes)

    def block(self, user: int, unblock: bool = False) -> None:
        self._post("/test/block", {"user_id": user, "unblock": unblock})

    def file_bytes(self, file_id: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}/test/file/{file_id}", timeout=30) as response:
            return response.read()

    # Reading what the bot did -----------------------------------------------------------

    def events(self, since: int = 0) -> list[Event]:
        with urllib.request.urlopen(f"{self.url}/test/events?since={since}", timeout=30) as r:
            return json.loads(r.read())

    def wait_for(self, predicate: Callable[[Event], bool], timeout: float = 60) -> Event:
        """The first new event (after the last one waited for) matching `predicate`."""
        deadline = time.monotonic() + timeout
        start = self.seen
        while time.monotonic() < deadline:
            for event in self.events(start):
                if predicate(event):
                    self.seen = event["seq"] + 1
                    return event
            if self.bot is not None and self.bot.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.bot.returncode}")
            time.sleep(0.05)
        raise TimeoutError("no such event; last events: " + json.dumps(self.events()[-5:])[:2000])

    def reply_to(self, user: int, contains: str = "", timeout: float = 120) -> Event:
        """The next message sent or edited to `user` whose text contains `contains`."""
        return self.wait_for(
            lambda e: (
                e["method"] in ("sendMessage", "editMessageText")
                and isinstance(e["result"], dict)
                and int(e["params"].get("chat_id", 0)) == user
                and contains in e["result"].get("text", "")
            ),
            timeout=timeout,
        )


FINAL_MARKS = (
    "From your memory",
    "Из вашей памяти",
    "De tu memoria",
    "来自你的记忆",
    "not in your memory",
    "нет в вашей памяти",
    "no está en tu memoria",
    "你的记忆中没有",
    "Nothing in your memory from",
    "В вашей памяти за",
    "Stopped",
    "Остановлено",
)


def is_final_answer(user: int) -> Callable[[Event], bool]:
    """An event that shows a finished answer (quoted memory, "not in your memory", or a stop)
    to `user`."""

    def check(event: Event) -> bool:
        return (
            event["method"] in ("sendMessage", "editMessageText")
            and isinstance(event["result"], dict)
            and int(event["params"].get("chat_id", 0)) == user
            and any(mark in event["result"].get("text", "") for mark in FINAL_MARKS)
        )

    return check


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, body) of a GET; an HTTP error status is returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def http_post(url: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    """The status of a JSON POST; an HTTP error status is returned, not raised."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def text_of(event: Event) -> str:
    return str(event["result"].get("text", ""))


def buttons_of(event: Event) -> list[dict[str, Any]]:
    """The inline buttons under a message the bot sent or edited."""
    markup = event["params"].get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in (markup or {}).get("inline_keyboard", []) for button in row]
