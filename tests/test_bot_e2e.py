"""End to end: the real `mnemo run` process, real models, talking HTTP to a fake Bot API."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.audio import make_wav, speak
from tests.botharness import TOKEN, Harness, is_final_answer, text_of
from tests.hostile import corpus
from tests.samples import Sample, make_pdf, make_photo

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ADMIN = 1
STRANGER = 999
RATE = 30  # updates a user may send a minute, here


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Harness]:
    harness = Harness(
        tmp_path_factory.mktemp("bot") / "data",
        env_extra={
            "MNEMO_MODELS_PATH": str(models_dir),
            "MNEMO_ALLOWED_USERS": ",".join(str(n) for n in range(1, 100)),
            "MNEMO_ADMINS": str(ADMIN),
            "MNEMO_MAX_FILE_MB": "5",
            "MNEMO_MAX_TOKENS": "96",
            "MNEMO_RATE_PER_MINUTE": str(RATE),
        },
    )
    harness.start_server()
    harness.start_bot()
    yield harness
    harness.close()


def _messages_to(bot: Harness, user: int, since: int = 0) -> list[dict]:
    return [
        e
        for e in bot.events(since)
        if e["method"] in ("sendMessage", "editMessageText", "sendDocument")
        and int(e["params"].get("chat_id", 0)) == user
    ]


def test_commands_are_registered_with_descriptions(bot: Harness) -> None:
    registered = [e for e in bot.events() if e["method"] == "setMyCommands"]
    names = {c["command"] for c in registered[0]["params"]["commands"]}
    assert {
        "start",
        "help",
        "ask",
        "note",
        "search",
        "docs",
        "forget",
        "stats",
        "export",
        "wipe",
        "cancel",
        "settings",
    } <= names
    assert all(c["description"] for c in registered[0]["params"]["commands"])
    bot.send(2, "/help")
    listing = text_of(bot.reply_to(2, "/settings"))
    assert all(f"/{name}" in listing for name in names)
    bot.send(2, "/start")
    assert "Nothing leaves this machine" in text_of(bot.reply_to(2, "mnemo"))


def test_russian_client_gets_a_russian_interface(bot: Harness) -> None:
    bot.send(3, "/start", language="ru")
    assert "Ничто не покидает эту машину" in text_of(bot.reply_to(3, "mnemo"))


def test_note_then_streamed_answer_with_sources(bot: Harness) -> None:
    bot.send(4, "The spare key is under the blue flower pot by the door.")
    assert "Saved to your memory" in text_of(bot.reply_to(4, "Saved"))
    start = len(bot.events())
    sent = bot.send(4, "Where is the spare key?")
    typing = bot.wait_for(
        lambda e: e["method"] == "sendChatAction" and int(e["params"]["chat_id"]) == 4
    )
    assert typing["time"] - sent["received"] < 0.2
    final = bot.wait_for(is_final_answer(4), timeout=180)
    assert "flower pot" in text_of(final).lower()
    assert "From your memory:" in text_of(final) and "note of" in text_of(final)
    assert "blue flower pot" in text_of(final).split("From your memory:")[1]
    shown = _messages_to(bot, 4, start)
    assert all(isinstance(e["result"], dict) for e in shown), "an edit was refused"
    edits = [e["time"] for e in shown if e["method"] == "editMessageText"]
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(edits))
    texts = [text_of(e) for e in shown]
    assert len(texts) == len(set(texts)), "an edit repeated the text"


def test_a_fact_is_quoted_and_an_unknown_is_refused_without_the_model(bot: Harness) -> None:
    bot.send(45, "Cabin wifi password: bluebird-4471")
    bot.reply_to(45, "Saved")
    bot.send(45, "What is the wifi password at the cabin?")
    final = bot.wait_for(is_final_answer(45), timeout=180)
    _, quoted = text_of(final).split("From your memory:")
    assert "bluebird-4471" in quoted and "note of" in quoted
    assert "<blockquote>" in final["params"]["text"]
    log = bot.data_dir.parent / "bot.log"
    model_calls = log.read_text().count("answer: from the model")
    for question, reply in (
        ("What is my boss's name?", "That is not in your memory."),
        ("Как зовут моего начальника?", "Этого нет в вашей памяти."),
    ):
        sent = bot.send(45, question)
        refused = bot.wait_for(is_final_answer(45), timeout=60)
        assert text_of(refused).startswith(reply)
        assert refused["time"] - sent["received"] < 2
    assert log.read_text().count("answer: from the model") == model_calls
    assert log.read_text().count("answer: not in memory, decided from the evidence") >= 2


def test_history_is_part_of_the_context(bot: Harness) -> None:
    bot.send(5, "My sister Ana was born on March 3rd.")
    bot.reply_to(5, "Saved")
    bot.send(5, "When was my sister born?")
    assert "march" in text_of(bot.wait_for(is_final_answer(5), timeout=180)).lower()
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{bot.data_dir / 'mnemo.sqlite3'}")
    with engine.connect() as connection:
        turns = connection.execute(
            text("SELECT role, content FROM chat_turns WHERE user_id = 5 ORDER BY id")
        ).all()
    assert [role for role, _ in turns] == ["user", "assistant"]


def test_forced_note_forced_question_and_forward(bot: Harness) -> None:
    bot.send(6, "/note What a lovely day at the lake")
    assert "Saved" in text_of(bot.reply_to(6, "Saved"))
    bot.send(6, "Meeting moved to Friday at noon", forward_from="Maria Lopez")
    assert "Maria Lopez" in text_of(bot.reply_to(6, "forwarded"))
    bot.send(6, "/ask To which day was the meeting moved")
    assert "friday" in text_of(bot.wait_for(is_final_answer(6), timeout=180)).lower()
    bot.send(6, "/ask")
    assert "Usage" in text_of(bot.reply_to(6, "Usage"))


def test_document_progress_summary_and_duplicate(bot: Harness, tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "cookbook.pdf",
        {200: "The secret ingredient of the soup is smoked paprika."},
        total=2000,  # the page limit: long enough to still be read while another user is served
    )
    bot.send_file(7, pdf)
    assert "Reading cookbook.pdf" in text_of(bot.reply_to(7, "Reading"))
    assert "Embedding" in text_of(bot.reply_to(7, "Embedding", timeout=120))  # progress
    asked = time.monotonic()
    bot.send(15, "/start")  # someone else, while the book is being read
    bot.reply_to(15, "mnemo", timeout=30)
    assert time.monotonic() - asked < 3
    assert not any(
        "✅" in text_of(e) for e in _messages_to(bot, 7) if isinstance(e["result"], dict)
    )
    summary = text_of(bot.reply_to(7, "✅", timeout=300))
    assert "2000 pages" in summary and "chunks" in summary
    bot.send_file(7, pdf, name="same-again.pdf")
    assert "already in your memory" in text_of(bot.reply_to(7, "already", timeout=60))
    bot.send(7, "/search secret ingredient soup")
    assert "cookbook.pdf p.200" in text_of(bot.reply_to(7, "cookbook.pdf p.200"))


def test_bad_uploads_get_clear_replies(bot: Harness, tmp_path: Path, samples: list[Sample]) -> None:
    junk = tmp_path / "data.bin"
    junk.write_bytes(bytes(range(7, 250)) * 400)
    bot.send_file(8, junk)
    assert "unsupported file type" in text_of(bot.reply_to(8, "❌", timeout=60))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(samples[0].path.read_bytes()[:700])
    bot.send_file(8, broken)
    assert "broken.pdf" in text_of(bot.reply_to(8, "❌", timeout=60))
    before = len([e for e in bot.events() if e["method"] == "getFile"])
    bot.send(8, document={"name": "huge.pdf", "data": "", "size": 6 << 20})
    assert "too large" in text_of(bot.reply_to(8, "too large"))
    assert len([e for e in bot.events() if e["method"] == "getFile"]) == before
    bot.send(8, "/docs")
    assert "empty" in text_of(bot.reply_to(8, "empty"))


def test_photo_is_read_and_searchable(bot: Harness, samples: list[Sample]) -> None:
    photo = next(s for s in samples if s.path.suffix == ".jpg")
    bot.send_photo(9, photo.path, caption="where I parked")
    assert "Parking level B3" in text_of(bot.reply_to(9, "I read", timeout=120))
    bot.send(9, "/search parking spot")
    found = text_of(bot.reply_to(9, "photo-"))
    assert "117" in found


def test_docs_buttons_forget_only_the_pressers_documents(
    bot: Harness, samples: list[Sample]
) -> None:
    bot.send_file(10, samples[1].path)
    bot.reply_to(10, "✅", timeout=120)
    bot.send(10, "/docs")
    listing = bot.reply_to(10, "trip.docx")
    button = listing["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    doc_id = int(button.split(":")[1])
    bot.send(11, "/help")
    own = bot.reply_to(11, "/docs")  # a message in user 11's own chat, to press on
    bot.press(11, own["result"]["message_id"], f"forget:{doc_id}")  # forged callback data
    assert f"No document {doc_id}" in text_of(bot.reply_to(11, "No document"))
    bot.send(10, "/search Casa Azul")
    assert "trip.docx" in text_of(bot.reply_to(10, "trip.docx"))
    bot.press(10, listing["result"]["message_id"], button)
    assert "Forgot" in text_of(bot.reply_to(10, "Forgot"))
    bot.send(10, "/search Casa Azul")
    assert "Nothing in your memory" in text_of(bot.reply_to(10, "Nothing"))


def test_stats_export_and_wipe(bot: Harness, samples: list[Sample]) -> None:
    bot.send(12, "Remember to buy oat milk")
    bot.reply_to(12, "Saved")
    bot.send_file(12, samples[5].path)
    bot.reply_to(12, "✅", timeout=120)
    bot.send(12, "/stats")
    stats = text_of(bot.reply_to(12, "Documents"))
    assert "Documents: 1" in stats and "Notes: 1" in stats
    bot.send(12, "/export")
    sent = bot.wait_for(
        lambda e: e["method"] == "sendDocument" and int(e["params"]["chat_id"]) == 12
    )
    archive = zipfile.ZipFile(io.BytesIO(bot.file_bytes(sent["result"]["document"]["file_id"])))
    names = archive.namelist()
    assert "notes.json" in names and "documents.json" in names
    assert any(n.startswith("originals/") and n.endswith("dentist.txt") for n in names)
    assert json.loads(archive.read("notes.json"))[0]["text"] == "Remember to buy oat milk"
    bot.send(12, "/wipe")
    confirm = bot.reply_to(12, "cannot be undone")
    bot.press(12, confirm["result"]["message_id"], "wipe:yes")
    assert "deleted" in text_of(bot.reply_to(12, "deleted"))
    bot.send(12, "/stats")
    assert "Documents: 0" in text_of(bot.reply_to(12, "Documents"))
    assert not (bot.data_dir / "files" / "12").exists()
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{bot.data_dir / 'mnemo.sqlite3'}")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT payload FROM inbox WHERE status = 'done'")).all()
    assert kept and all(json.loads(row[0]) == {} for row in kept)


def test_admin_sees_everyone(bot: Harness) -> None:
    bot.send(ADMIN, "/stats")
    assert "All users" in text_of(bot.reply_to(ADMIN, "All users"))
    bot.send(13, "/stats")
    assert "All users" not in text_of(bot.reply_to(13, "Documents"))


def test_settings_buttons_change_language_and_length(bot: Harness) -> None:
    bot.send(14, "/settings")
    panel = bot.reply_to(14, "Language")
    bot.press(14, panel["result"]["message_id"], "lang:ru")
    assert "Язык" in text_of(bot.reply_to(14, "Язык"))
    bot.press(14, panel["result"]["message_id"], "len:short")
    assert "короткие" in text_of(bot.reply_to(14, "короткие"))
    bot.send(14, "Купить хлеб и молоко")
    assert "Сохранено" in text_of(bot.reply_to(14, "Сохранено"))


def test_strangers_are_refused_and_nothing_is_kept(bot: Harness, samples: list[Sample]) -> None:
    downloads = len([e for e in bot.events() if e["method"] == "getFile"])
    bot.send(STRANGER, "Remember my password is hunter2")
    assert "not on its list" in text_of(bot.reply_to(STRANGER, "not on its list"))
    for _ in range(3):  # told once, not once per message: a stranger can't make it talk
        bot.send_file(STRANGER, samples[0].path)
    time.sleep(2)
    refusals = [e for e in _messages_to(bot, STRANGER) if "not on its list" in text_of(e)]
    assert len(refusals) == 1
    assert len([e for e in bot.events() if e["method"] == "getFile"]) == downloads
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{bot.data_dir / 'mnemo.sqlite3'}")
    with engine.connect() as connection:
        for table in ("documents", "inbox", "users", "notes"):
            query = text(
                f"SELECT count(*) FROM {table} WHERE "
                + ("id" if table == "users" else "user_id")
                + f" = {STRANGER}"
            )
            assert connection.scalar(query) == 0, table


def test_users_never_see_each_other(bot: Harness) -> None:
    bot.send(20, "My bank PIN hint is the year of the moon landing.")
    bot.reply_to(20, "Saved")
    bot.send(21, "/search bank PIN hint")
    assert "Nothing in your memory" in text_of(bot.reply_to(21, "Nothing"))
    bot.send(21, "What is my bank PIN hint?")
    final = text_of(bot.wait_for(is_final_answer(21), timeout=180))
    assert "moon" not in final.lower() and "From your memory" not in final


def test_model_output_and_user_text_are_escaped(bot: Harness) -> None:
    bot.send(22, "/note Use <b>tags</b> & <script>alert(1)</script> carefully")
    bot.reply_to(22, "Saved")
    bot.send(22, "/search tags script")
    assert "<script>alert(1)</script>" in text_of(bot.reply_to(22, "carefully"))


def test_retry_after_is_honoured(bot: Harness) -> None:
    bot.fail_next("sendMessage", retry_after=1)
    started = time.monotonic()
    bot.send(23, "/start")
    assert "mnemo" in text_of(bot.reply_to(23, "mnemo"))
    assert time.monotonic() - started >= 1.0


def test_cancel_stops_the_answer(bot: Harness) -> None:
    bot.send(24, "Our cabin has a red door, three bedrooms and a wood stove in the kitchen.")
    bot.reply_to(24, "Saved")
    bot.send(24, "/settings")
    panel = bot.reply_to(24, "Language")
    bot.press(24, panel["result"]["message_id"], "len:long")
    bot.reply_to(24, "long")
    bot.send(24, "Which door, bedrooms and stove does our cabin have? Tell me in great detail.")
    bot.wait_for(lambda e: e["method"] == "sendChatAction" and int(e["params"]["chat_id"]) == 24)
    bot.send(24, "/cancel")
    assert "Stopped" in text_of(bot.wait_for(is_final_answer(24), timeout=180))


def test_fair_queue_serves_users_in_turn(bot: Harness) -> None:
    for user in (30, 31):
        bot.send(user, f"User {user} keeps the umbrella in the hall closet.")
        bot.reply_to(user, "Saved")
    start = len(bot.events())
    # Three, the most that may wait: the model may be busy with background work (a
    # document's sections) when they come, and then none of them is running yet.
    for n in range(3):
        bot.send(30, f"Where is the umbrella? ({n})")
    bot.send(31, "Where is the umbrella?")
    assert "in line" in text_of(bot.reply_to(31, "in line", timeout=60))
    bot.wait_for(is_final_answer(31), timeout=400)
    finished_30 = [
        e for e in bot.events(start) if is_final_answer(30)(e) and e["method"] == "editMessageText"
    ]
    assert len(finished_30) <= 2, "user 31 waited behind more than one of user 30's questions"
    for _ in range(3 - len(finished_30)):
        bot.wait_for(is_final_answer(30), timeout=400)


def test_hostile_uploads_get_clear_replies(bot: Harness, tmp_path: Path) -> None:
    """Bombs and locked files are refused with the reason, fast, and the bot goes on."""
    wanted = {"bomb.docx", "bomb.png", "huge.pdf", "locked.pdf"}
    for item in (h for h in corpus(tmp_path, max_file_mb=5) if h.sent_as in wanted):
        sent = bot.send_file(40, item.path, name=item.sent_as)
        reply = bot.reply_to(40, "❌", timeout=60)
        assert f"❌ {item.sent_as}: {item.refusal}" in text_of(reply)
        assert reply["time"] - sent["received"] < 30
    bot.send(40, "/docs")
    assert "empty" in text_of(bot.reply_to(40, "empty"))


def test_flooding_user_is_told_once_and_others_are_served(bot: Harness) -> None:
    start = len(bot.events())
    for n in range(RATE + 5):
        bot.send(41, f"/help {n}")
    assert "wait" in text_of(bot.reply_to(41, "⏳"))
    bot.send(42, "/start")
    bot.reply_to(42, "mnemo")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        to_41 = [e for e in _messages_to(bot, 41, start) if e["method"] == "sendMessage"]
        if len(to_41) >= RATE + 1:
            break
        time.sleep(0.2)
    time.sleep(1)  # nothing more may come
    to_41 = [e for e in _messages_to(bot, 41, start) if e["method"] == "sendMessage"]
    assert len(to_41) == RATE + 1, [text_of(e)[:30] for e in to_41]
    assert sum("⏳" in text_of(e) for e in to_41) == 1


def test_logs_hold_no_token_and_no_message_text(bot: Harness) -> None:
    """Runs last: everything above was logged at INFO (-v), and none of it may show."""
    log = (bot.data_dir.parent / "bot.log").read_text(errors="replace")
    assert "INFO" in log  # the bot logged at INFO all along
    assert TOKEN.split(":", 1)[1] not in log
    for said in (
        "spare key is under the blue flower pot",
        "Maria Lopez",
        "Meeting moved to Friday",
        "My sister Ana",
        "secret ingredient",
        "umbrella",
        "wood stove",
    ):
        assert said not in log, said


def test_a_voice_note_is_transcribed_kept_and_found(bot: Harness, tmp_path: Path) -> None:
    voice = speak(tmp_path / "note.ogg", "Remember to buy milk and eggs tomorrow morning.")
    sent = bot.send_voice(60, voice, duration=3)
    first = bot.reply_to(60, "🎙")
    assert first["time"] - sent["received"] < 1.0  # the first reaction, at once
    saved = text_of(bot.reply_to(60, "Saved", timeout=120))
    assert "milk" in saved.lower() and "tomorrow" in saved.lower()
    bot.send(60, "/search milk eggs")
    assert "voice note of" in text_of(bot.reply_to(60, "voice note of"))


def test_a_spoken_question_is_shown_then_answered(bot: Harness, tmp_path: Path) -> None:
    bot.send(61, "The spare key is under the blue flower pot by the door.")
    bot.reply_to(61, "Saved")
    question = speak(tmp_path / "question.ogg", "Where did I put the spare key?")
    bot.send_voice(61, question, duration=2)
    heard = text_of(bot.reply_to(61, "You asked", timeout=120))
    assert "spare key" in heard.lower()
    final = bot.wait_for(is_final_answer(61), timeout=180)
    assert "flower pot" in text_of(final).lower()


def test_too_long_silent_and_broken_voice_get_clear_replies(bot: Harness, tmp_path: Path) -> None:
    long = speak(tmp_path / "long.ogg", "A short recording that claims to be long.")
    bot.send_voice(62, long, duration=11 * 60)
    assert "I transcribe up to 10" in text_of(bot.reply_to(62, "🎙"))
    silent = tmp_path / "silent.ogg"
    quiet = make_wav(tmp_path / "s.wav", 2, silent=True)
    ffmpeg = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(quiet), "-c:a", "libopus"]
    subprocess.run([*ffmpeg, str(silent)], check=True)
    bot.send_voice(62, silent, duration=2)
    assert "nothing is said" in text_of(bot.reply_to(62, "nothing is said", timeout=120))
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(long.read_bytes()[:150])
    bot.send_voice(62, broken, duration=2)
    reply = text_of(bot.reply_to(62, "❌", timeout=120))
    assert "damaged" in reply or "nothing is said" in reply or "no audio" in reply
    bot.send(62, "/docs")
    assert "empty" in text_of(bot.reply_to(62, "empty"))


def test_a_photo_with_nothing_to_read_is_asked_about_and_found(
    bot: Harness, tmp_path: Path
) -> None:
    plate = make_photo(tmp_path / "plate.jpg", "")
    bot.send_photo(63, plate)
    question = bot.reply_to(63, "What's on this photo?", timeout=120)
    bot.send(63, "lunch: borscht with sour cream", reply_to=question["result"]["message_id"])
    assert "borscht" in text_of(bot.reply_to(63, "Got it"))
    bot.send(63, "/search borscht")
    assert "photo-" in text_of(bot.reply_to(63, "photo-"))
    bot.send(63, "Just a note after the photo.")
    assert "Saved" in text_of(bot.reply_to(63, "Saved"))  # not a reply: a note as ever
