"""End to end, a fresh install (no MNEMO_ALLOWED_USERS) is closed: the real `mnemo run`
against the fake Bot API. The claim code is read from the bot's output; a stranger's
message, file and link reach nothing (no row, no download); the owner claims the bot, and
their /invite lets one family member in, once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botharness import Harness, text_of
from tests.fake_telegram import BOT_USERNAME
from tests.samples import Sample

pytestmark = [pytest.mark.e2e]

OWNER, FAMILY, STRANGER, LATECOMER = 100, 200, 300, 400
PRIVATE = "not on its list"
CLAIM = re.compile(
    rf"mnemo is private\. To become its owner, send /start (\S+) to @{BOT_USERNAME} "
    rf"\(or open https://t\.me/{BOT_USERNAME}\?start=(\S+)\)"
)


@pytest.fixture
def bot(tmp_path: Path, models_dir: Path) -> Iterator[Harness]:
    harness = Harness(
        tmp_path / "data", env_extra={"MNEMO_MODELS_PATH": str(models_dir)}, open_to_all=False
    )
    harness.start_server()
    yield harness
    harness.close()


def _claim_codes(bot: Harness, starts: int, timeout: float = 60) -> list[str]:
    """The claim codes the bot printed in its first `starts` starts (on stdout, and again
    in its log: twice each)."""
    log = bot.data_dir.parent / "bot.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = CLAIM.findall(log.read_text()) if log.exists() else []
        codes = list(dict.fromkeys(code for code, _ in found))
        if len(codes) >= starts and len(found) == 2 * len(codes):  # printed, and logged
            assert all(code == linked for code, linked in found)
            return codes
        time.sleep(0.1)
    raise TimeoutError("the bot printed no claim code")


def _rows(bot: Harness, user: int) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{bot.data_dir / 'mnemo.sqlite3'}")
    counts = {}
    with engine.connect() as connection:
        for table in ("users", "documents", "notes", "inbox", "members"):
            column = "id" if table == "users" else "user_id"
            query = text(f"SELECT count(*) FROM {table} WHERE {column} = {user}")
            counts[table] = int(connection.scalar(query) or 0)
    engine.dispose()
    return counts


def _said_to(bot: Harness, user: int, contains: str) -> int:
    return len(
        [
            e
            for e in bot.events()
            if e["method"] == "sendMessage"
            and int(e["params"].get("chat_id", 0)) == user
            and contains in text_of(e)
        ]
    )


NOTHING = {"users": 0, "documents": 0, "notes": 0, "inbox": 0, "members": 0}


def test_a_fresh_install_answers_only_its_owner_and_whom_they_invite(
    bot: Harness, samples: list[Sample]
) -> None:
    bot.start_bot()
    [first] = _claim_codes(bot, 1)

    bot.send(STRANGER, "Remember my password is hunter2")
    assert PRIVATE in text_of(bot.reply_to(STRANGER, PRIVATE))
    bot.send_file(STRANGER, samples[0].path)
    bot.send(STRANGER, "https://example.com/recipes/bread")
    bot.send(STRANGER, "/start not-the-code")
    time.sleep(3)
    assert _said_to(bot, STRANGER, PRIVATE) == 1  # one line, not one per message
    assert [e for e in bot.events() if e["method"] in ("getFile", "download")] == []
    assert _rows(bot, STRANGER) == NOTHING

    bot.stop_bot()  # a restart prints a new code; the first stays good until the claim
    bot.start_bot()
    codes = _claim_codes(bot, 2)
    assert len(codes) == 2 and codes[0] == first
    bot.send(OWNER, f"/start {first}")
    assert "You are now mnemo's owner" in text_of(bot.reply_to(OWNER, "owner"))
    bot.reply_to(OWNER, "Nothing leaves this machine")
    bot.send(LATECOMER, f"/start {codes[1]}")  # the other claim code went with the claim
    bot.reply_to(LATECOMER, PRIVATE)

    bot.send(OWNER, "/invite")
    link = re.search(r"https://t\.me/(\w+)\?start=([\w-]+)", text_of(bot.reply_to(OWNER, "t.me")))
    assert link is not None and link.group(1) == BOT_USERNAME
    bot.send(FAMILY, f"/start {link.group(2)}")
    assert "Welcome" in text_of(bot.reply_to(FAMILY, "Welcome"))
    bot.send(FAMILY, "The spare key is under the blue flower pot.")
    assert "Saved to your memory" in text_of(bot.reply_to(FAMILY, "Saved"))
    bot.send(FAMILY, "/search spare key")
    assert "blue flower pot" in text_of(bot.reply_to(FAMILY, "flower pot"))
    assert _rows(bot, FAMILY)["documents"] == 1

    bot.send(STRANGER, f"/start {link.group(2)}")  # used: the same private line (said already)
    bot.send(LATECOMER + 1, f"/start {link.group(2)}")
    assert PRIVATE in text_of(bot.reply_to(LATECOMER + 1, PRIVATE))
    time.sleep(2)
    assert _rows(bot, STRANGER) == NOTHING and _rows(bot, LATECOMER + 1) == NOTHING
    assert [e for e in bot.events() if e["method"] in ("getFile", "download")] == []
