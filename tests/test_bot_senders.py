"""Who said what through the real bot process and the fake Bot API, as a person does it: a
chat export with Anna sent as a file (only the person's own messages kept, a button offers
Anna's), the button pressed (her messages kept too, each with her name, nothing twice), then
"What did Anna say about the flight?" answered by the real model with "Anna: …" quoted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.botharness import Harness, buttons_of, is_final_answer, text_of

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

USER = 8
ANNA = 555


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Harness]:
    root = tmp_path_factory.mktemp("bot")
    harness = Harness(
        root / "data",
        env_extra={"MNEMO_MODELS_PATH": str(models_dir), "MNEMO_MAX_TOKENS": "96"},
    )
    harness.start_server()
    harness.start_bot()
    yield harness
    harness.close()


def _chat_with_anna(folder: Path) -> Path:
    """Telegram Desktop's export of the chat with Anna: hers and the person's messages."""
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    said = [
        (ANNA, "Hi! Are you free on Saturday?"),
        (USER, "Yes, after lunch. My flight to Lisbon is on Thursday morning."),
        (ANNA, "My flight from Rome lands at 18:40, terminal 2."),
        (USER, "I'll pick you up then."),
        (ANNA, "Let's keep the wedding small, 40 guests at most."),
        (ANNA, "I went to the doctor yesterday, all fine."),
    ]
    messages = []
    for number, (who, text) in enumerate(said, start=1):
        when = start + timedelta(minutes=7 * number)
        messages.append(
            {
                "id": number,
                "type": "message",
                "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(when.timestamp())),
                "from": "Anna" if who == ANNA else "Me",
                "from_id": f"user{who}",
                "text": text,
                "text_entities": [{"type": "plain", "text": text}],
            }
        )
    chat = {"name": "Anna", "type": "personal_chat", "id": ANNA, "messages": messages}
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / "result.json"
    result.write_text(json.dumps(chat), encoding="utf-8")
    return result


def test_a_chat_export_keeps_annas_side_when_asked_and_quotes_her(
    bot: Harness, tmp_path: Path
) -> None:
    bot.send_file(USER, _chat_with_anna(tmp_path / "export"))
    done = text_of(bot.reply_to(USER, "Imported result.json", timeout=300))
    assert "2 added, 0 already in your memory" in done
    offer = bot.wait_for(lambda e: bool(buttons_of(e)) and int(e["params"]["chat_id"]) == USER)
    assert "4 messages are from others" in text_of(offer)
    [button] = buttons_of(offer)
    bot.press(USER, offer["result"]["message_id"], button["callback_data"])
    kept = text_of(bot.reply_to(USER, "4 added, 2 already in your memory", timeout=300))
    assert "Imported result.json" in kept

    bot.send(USER, "What did Anna say about the flight?")
    final = text_of(bot.wait_for(is_final_answer(USER), timeout=240))
    assert "18:40" in final.split("From your memory:")[0]
    quoted = final.split("From your memory:")[1]
    assert "Anna: My flight from Rome lands at 18:40" in quoted
