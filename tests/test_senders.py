"""Who said what (issue 36, part 5), on fakes: a two-person chat imported with its other
side keeps who said each message; a re-import adds senders without adding anything twice;
the sender's name is searched; another person's first-person words never answer the
user's own questions; a relative day in their message is read against its own date; an
export sent through the door keeps the others' messages when asked."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bench.telegram_export import USER_ID, message_at
from knowledge.adapters.imports import telegram
from knowledge.bootstrap import Services
from knowledge.domain.model import Hit, ImportOptions
from knowledge.services.answers.answering import Answer, Findings
from knowledge.services.answers.evidence import Evidence
from knowledge.services.answers.gathering import Gathered
from knowledge.services.answers.prompting import Prompt
from knowledge.services.door.arrival import Arrival, ImportAsked, Imported, Refused, Upload
from knowledge.services.door.uploads import HELD_SECONDS
from knowledge.services.words.planning import Kind
from knowledge.services.words.planning import plan as plan_question
from knowledge.services.words.speakers import about_oneself, names, names_as_doer, whose
from tests.audio import make_wav
from tests.fakes import FakeTranscriber, ScriptedGenerator

ME = USER_ID  # the bot's user id is the person's Telegram id
ANNA = 555
WRITTEN = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)


def _said(number: int, minutes: int, text: str, anna: bool) -> dict[str, Any]:
    message = message_at(number, WRITTEN + timedelta(minutes=minutes))
    if anna:
        message.update({"from": "Anna", "from_id": f"user{ANNA}"})
    return {**message, "text": text, "text_entities": [{"type": "plain", "text": text}]}


def _chat(folder: Path) -> Path:
    """A chat with Anna: three of her messages, two of the user's."""
    messages = [
        _said(1, 0, "I went to the doctor yesterday, all fine.", anna=True),
        _said(2, 5, "My flight is on Thursday morning.", anna=False),
        _said(3, 9, "The flight lands at 18:40, terminal 2.", anna=True),
        _said(4, 30, "Booked a table at Casa Lucio for Saturday.", anna=False),
        _said(5, 42, "Let's keep the wedding small, 40 guests at most.", anna=True),
    ]
    return _exported(folder, messages)


def _exported(folder: Path, messages: list[dict[str, Any]]) -> Path:
    """A chat with Anna holding these messages, as Telegram exports it."""
    chat = {"name": "Anna", "type": "personal_chat", "id": ANNA, "messages": messages}
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / "result.json"
    result.write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    return result


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    return _chat(tmp_path / "ChatExport")


@pytest.fixture
def svc(services: Services) -> Iterator[Services]:
    services.digests.set_timezone(ME, "UTC")
    yield services


EVERYONE = ImportOptions(all_senders=True)


def _origins(svc: Services) -> dict[str, str | None]:
    with svc.engines.storage.read() as uow:
        return {note.text: note.origin for note in uow.notes.of_user(ME)}


async def _ask(svc: Services, question: str) -> Answer | Gathered:
    final: Answer | Gathered | None = None
    async for event in svc.asking.ask(ME, question, with_history=False):
        if isinstance(event, Answer | Gathered):
            final = event
    assert final is not None
    return final


def test_a_two_person_chat_keeps_who_said_each_message(svc: Services, chat: Path) -> None:
    own = svc.keeping.importer.run(ME, chat)
    assert (own.added, own.others) == (2, 3)  # Anna's left out, and counted
    everyone = svc.keeping.importer.run(ME, chat, options=EVERYONE)
    assert (everyone.added, everyone.already, everyone.others) == (3, 2, 0)
    origins = _origins(svc)
    assert origins["The flight lands at 18:40, terminal 2."] == "Anna"
    assert origins["My flight is on Thursday morning."] is None  # the user's own
    with svc.engines.storage.read() as uow:
        docs = [doc for doc, _ in uow.documents.of_user(ME)]
    annas = [doc for doc in docs if doc.meta.get("origin") == "Anna"]
    assert len(annas) == 3 and {d.meta["from_id"] for d in annas} == {f"user{ANNA}"}
    again = svc.keeping.importer.run(ME, chat, options=EVERYONE)
    assert (again.added, again.already) == (0, 5)
    assert svc.memory.stats(ME).notes == 5


def test_a_chat_imported_before_senders_were_kept_gets_them_and_nothing_twice(
    svc: Services, chat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before:  # as imports were: words kept, not who said them
        before.setattr(telegram, "said_by", lambda message, mine: (None, {}))
        assert svc.keeping.importer.run(ME, chat, options=EVERYONE).added == 5
    assert not any(_origins(svc).values())
    again = svc.keeping.importer.run(ME, chat, options=EVERYONE)
    assert (again.added, again.already, again.attributed) == (0, 5, 3)
    assert svc.memory.stats(ME).notes == 5
    hits = svc.retriever.search(ME, "Anna wedding guests", k=3)
    assert hits[0].heading == "Anna" and "wedding" in hits[0].text


def test_the_senders_name_is_found_by_search(svc: Services, chat: Path) -> None:
    svc.keeping.importer.run(ME, chat, options=EVERYONE)
    found = svc.passages.find(ME, "what did Anna say about the flight")
    assert found[0].text == "Anna: The flight lands at 18:40, terminal 2."
    mine = svc.passages.find(ME, "my flight Thursday")
    assert mine[0].text == "My flight is on Thursday morning."  # the user's: no name


async def test_a_first_person_question_is_not_answered_from_annas_words(
    svc: Services, chat: Path, generator: ScriptedGenerator
) -> None:
    svc.keeping.importer.run(ME, chat, options=EVERYONE)
    generator.enqueue("You went to the doctor, all fine [1].")
    generator.enqueue("Anna went to the doctor yesterday [1].")
    with time_machine.travel(WRITTEN + timedelta(hours=8), tick=False):
        mine = await _ask(svc, "When did I go to the doctor?")
        assert isinstance(mine, Answer) and not mine.found  # the model's answer not shown
        assert (
            "message from Anna of 2026-11-12 09:00: I went to the doctor"
            in generator.prompts[0][-1]["content"]
        )
        hers = await _ask(svc, "What did Anna say about the doctor?")
        assert isinstance(hers, Answer) and hers.found
        assert hers.quotes[0].text.startswith("Anna: I went to the doctor")
        day = await _ask(svc, "Where did I go yesterday?")  # a day's list: hers left out
    assert isinstance(day, Gathered) and not any("doctor" in f.line for f in day.found)


def test_a_relative_day_in_annas_message_is_read_against_its_own_date(
    svc: Services, chat: Path
) -> None:
    svc.keeping.importer.run(ME, chat, options=EVERYONE)
    with svc.engines.storage.read() as uow:
        doctor = next(
            n.document_id for n in uow.notes.of_user(ME) if n.text.startswith("I went to")
        )
        named = uow.named_days.of_documents(ME, [doctor])[doctor]
    assert [day.day for day in named] == [date(2026, 11, 11)]  # her yesterday, not today's
    assert _origins(svc)["I went to the doctor yesterday, all fine."] == "Anna"


async def test_a_roundup_for_a_person_lists_her_words_with_her_name(
    svc: Services, chat: Path
) -> None:
    svc.keeping.importer.run(ME, chat, options=EVERYONE)
    gathered = await _ask(svc, "everything Anna told me about the wedding")
    assert isinstance(gathered, Gathered)
    lines = [found.line for found in gathered.found]
    assert "Anna: Let's keep the wedding small, 40 guests at most." in lines
    digest = await svc.digests.digest(ME, WRITTEN.date())
    assert digest is not None
    assert "Anna: The flight lands at 18:40, terminal 2." in [i.line for i in digest.items]
    assert "My flight is on Thursday morning." in [i.line for i in digest.items]


async def test_everything_a_person_said_is_a_list_of_her_words(svc: Services, chat: Path) -> None:
    """ "everything Anna said" with no subject asks for a list, not a note to keep."""
    svc.keeping.importer.run(ME, chat, options=EVERYONE)
    gathered = await _ask(svc, "everything Anna said")
    assert isinstance(gathered, Gathered)
    lines = [found.line for found in gathered.found]
    assert "Anna: The flight lands at 18:40, terminal 2." in lines
    assert all(line.startswith("Anna: ") for line in lines)


async def test_an_export_sent_through_the_door_keeps_the_others_when_asked(
    svc: Services, chat: Path
) -> None:
    sent = await svc.inbound.receive(Arrival(ME, upload=Upload("chat.json", path=chat)))
    assert isinstance(sent, Imported) and (sent.report.added, sent.report.others) == (2, 3)
    held = ImportAsked(ImportOptions(me=ME, all_senders=True), held=True)
    kept = await svc.inbound.receive(Arrival(ME, upload=Upload("chat.json"), imports=held))
    assert isinstance(kept, Imported) and kept.name == "chat.json"
    assert (kept.report.added, kept.report.already) == (3, 2)
    assert _origins(svc)["Let's keep the wedding small, 40 guests at most."] == "Anna"
    gone = await svc.inbound.receive(Arrival(ME, upload=Upload("chat.json"), imports=held))
    assert isinstance(gone, Refused) and gone.error.code == "import_held_gone"


async def test_a_held_export_is_not_kept_past_a_day(svc: Services, chat: Path) -> None:
    await svc.inbound.receive(Arrival(ME, upload=Upload("chat.json", path=chat)))
    [folder] = svc.engines.settings.incoming_dir.glob("held-*")
    old = time.time() - HELD_SECONDS - 60
    os.utime(folder, (old, old))
    held = ImportAsked(ImportOptions(me=ME, all_senders=True), held=True)
    late = await svc.inbound.receive(Arrival(ME, upload=Upload("chat.json"), imports=held))
    assert isinstance(late, Refused) and late.error.code == "import_held_expired"
    assert not folder.exists()


@pytest.fixture
def transcriber() -> FakeTranscriber:
    return FakeTranscriber("Meet me at the station at six.")


def test_annas_voice_message_is_heard_as_hers(svc: Services, tmp_path: Path) -> None:
    folder = tmp_path / "Voice"
    (folder / "voice_messages").mkdir(parents=True)
    make_wav(folder / "voice_messages" / "audio_1.ogg", 1.0)
    voice = _said(1, 0, "", anna=True) | {
        "file": "voice_messages/audio_1.ogg",
        "media_type": "voice_message",
        "mime_type": "audio/ogg",
    }
    chat = {"name": "Anna", "type": "personal_chat", "id": ANNA, "messages": [voice]}
    (folder / "result.json").write_text(json.dumps(chat), encoding="utf-8")
    assert svc.keeping.importer.run(ME, folder, options=EVERYONE).added == 1
    hits = svc.retriever.search(ME, "Anna station", k=1)
    assert hits[0].source_kind == "voice" and hits[0].heading == "Anna"
    found = svc.passages.find(ME, "station at six")
    assert found[0].text == "Anna: Meet me at the station at six."


@pytest.mark.parametrize(
    ("question", "mine"),
    [
        ("Where did I go yesterday?", True),
        ("What did Anna tell me about the flight?", False),
        ("Куда я ходил вчера?", True),
        ("Что мне сказала Анна про свадьбу?", False),
        ("¿Adónde fui ayer?", True),
        ("¿Qué me dijo Ana del vuelo?", False),
        ("我昨天去哪儿了？", True),
        ("我们的航班几点到？", False),
        ("When does the flight land?", False),
    ],
)
def test_a_question_about_oneself_is_told_from_one_about_someones_words(
    question: str, mine: bool
) -> None:
    assert about_oneself(question) is mine


@pytest.mark.parametrize(
    ("question", "who", "doer"),
    [
        ("How much did Anna pay for the hotel in total?", "Anna", True),
        ("How much did Anna's gift cost in total?", "Anna", False),
        ("Who told Olga about the party?", "Olga", False),
        ("Сколько всего Анна заплатила за отель?", "Анна", True),
        ("Сколько всего стоил подарок для Анны?", "Анна", False),
        ("¿Cuánto pagó Lucía en total?", "Lucía", True),
        ("¿Cuánto costó el regalo de Lucía?", "Lucía", False),
        ("¿Cuánto costó el viaje al museo en total?", "Al", False),
        ("王伟一共花了多少钱？", "王伟", True),
        ("王伟的妈妈来西班牙要住多久？", "王伟", False),
        ("谁给王伟打电话了？", "王伟", False),
    ],
)
def test_a_question_asks_what_someone_did_only_when_they_do_it(
    question: str, who: str, doer: bool
) -> None:
    """Who a count or a sum, or a question's backing, is about: the one who pays or says,
    not one named otherwise (a gift for Anna, Lucía's gift, 王伟's mother)."""
    assert names_as_doer(question, who) is doer
    assert (whose(question, [who]) == who) is doer


def test_we_did_it_is_the_users_own_sum() -> None:
    assert whose("Сколько мы заплатили Ольге всего?", ["Ольга"]) is None
    assert whose("How much did we pay Anna in total?", ["Anna"]) is None


def test_a_name_is_found_in_a_question_inflected_but_not_inside_a_word() -> None:
    assert names("Что ответила Анне?", "Анна") and names("王伟说什么？", "王伟")
    assert not names("Where did I buy bananas?", "Ana")
    assert names("по словам Ольги", "Ольга") and names("с Ольгой", "Ольга")
    assert names("What did Tom say?", "Tom") and names("Tom's number", "Tom")
    assert not names("What's on tomorrow?", "Tom") and not names("all of it", "Al")
    assert not names("Annabelle's party", "Anna")


async def test_my_later_message_is_not_a_newer_value_of_what_she_said(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """What Anna said is hers: the user's own message about their own flight, two days
    later, is not a newer value of what she said about the flight (answers/versions.py)."""
    messages = [
        _said(1, 0, "The flight lands at 18:40, terminal 2.", anna=True),
        _said(2, 60 * 48, "My flight lands at 21:10, terminal 1.", anna=False),
    ]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Later", messages), options=EVERYONE)
    generator.enqueue("She said the flight lands at 18:40 [1].")
    answer = await _ask(svc, "What did Anna say about the flight landing?")
    assert "18:40" in generator.prompts[0][-1]["content"]
    assert isinstance(answer, Answer) and answer.found and "18:40" in answer.text


async def test_a_day_in_a_question_about_her_words_is_a_day_of_hers(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """ "On Friday" in a question about what Anna said is the Friday of her message, weeks
    ago, not last Friday: when that day holds none of her words, all of memory is searched."""
    messages = [_said(1, 0, "Dinner with my sister on Friday at Casa Lucio.", anna=True)]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Dinner", messages), options=EVERYONE)
    generator.enqueue("At Casa Lucio [1].")
    with time_machine.travel(WRITTEN + timedelta(days=25), tick=False):
        answer = await _ask(svc, "What did Anna say about dinner with her sister on Friday?")
    assert generator.prompts and "Casa Lucio" in generator.prompts[0][-1]["content"]
    assert isinstance(answer, Answer) and answer.found and answer.timeframe is None


async def test_who_said_it_is_answered_with_who_said_it(
    svc: Services, chat: Path, generator: ScriptedGenerator
) -> None:
    """A small model answers "who …?" by repeating the message: the answer is its sender."""
    svc.keeping.importer.run(ME, chat, options=EVERYONE)
    generator.enqueue("Keep the wedding small, 40 guests at most [1].")
    answer = await _ask(svc, "Who wants to keep the wedding small?")
    assert isinstance(answer, Answer) and answer.found
    assert answer.text.startswith("Anna: ") and "40 guests" in answer.text
    generator.enqueue("Anna said the flight lands at 18:40 [1].")
    named = await _ask(svc, "Who said when the flight lands?")
    assert isinstance(named, Answer) and named.text.startswith("Anna said")  # named already


async def test_a_day_said_as_yesterday_is_when_it_was_said(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """ "What did Anna say yesterday?" asks about yesterday: her words of weeks ago are not
    searched instead (only a weekday or a date can be a day of her words)."""
    messages = [_said(1, 0, "Dinner with my sister at Casa Lucio.", anna=True)]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Said", messages), options=EVERYONE)
    with time_machine.travel(WRITTEN + timedelta(days=25), tick=False):
        answer = await _ask(svc, "What did Anna say yesterday about dinner with her sister?")
    assert isinstance(answer, Answer) and not answer.found and answer.timeframe is not None
    assert generator.prompts == []


async def test_who_said_it_is_not_backed_by_a_message_with_another_number(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    messages = [
        _said(1, 0, "I booked dinner for 6 people at Casa Lucio on the terrace.", anna=True),
        _said(2, 5, "Pedro is allergic to peanuts, tell the waiter.", anna=True),
    ]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Six", messages), options=EVERYONE)
    generator.enqueue("Booked dinner for 8 people at Casa Lucio on the terrace.")
    wrong = await _ask(svc, "Who booked dinner for people at Casa Lucio on the terrace?")
    assert isinstance(wrong, Answer) and not wrong.found  # 8 is not what she said
    generator.enqueue("Booked dinner for 6 people at Casa Lucio on the terrace.")
    right = await _ask(svc, "Who booked dinner for people at Casa Lucio on the terrace?")
    assert isinstance(right, Answer) and right.found and right.text.startswith("Anna: ")
    generator.enqueue("Pedro.")
    short = await _ask(svc, "Who is allergic to peanuts?")
    assert isinstance(short, Answer) and short.found and short.text == "Pedro."  # a name


async def test_my_own_later_note_is_the_current_value_of_what_anna_gave(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """A question that names Anna without asking what she said ("What's Anna's number?")
    takes the user's own later note as the newer value."""
    messages = [_said(1, 0, "Anna's phone number is 555-0143, call after six.", anna=True)]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Number", messages), options=EVERYONE)
    svc.keeping.ingestor.add_note(
        ME, "Anna's new phone number is 555-0198", created_at=WRITTEN + timedelta(days=20)
    )
    generator.enqueue("555-0198 [1].")
    with time_machine.travel(WRITTEN + timedelta(days=30), tick=False):
        answer = await _ask(svc, "What is Anna's phone number?")
    shown = generator.prompts[0][-1]["content"]
    assert "555-0198" in shown and "555-0143" not in shown
    assert isinstance(answer, Answer) and answer.found


@pytest.mark.parametrize(
    ("question", "hers"),
    [
        (
            "How much did Anna pay for the hotel in total?",
            "In total I paid 240 euros for the hotel, two nights.",
        ),
        ("Сколько всего Анна заплатила за отель?", "Всего я заплатила за отель 240 евро."),
        ("¿Cuánto pagó Anna en total por el hotel?", "En total pagué 240 euros por el hotel."),
    ],
)
async def test_a_sum_of_what_someone_else_paid_is_read_from_her_words(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator, question: str, hers: str
) -> None:
    """A count or a sum is of the person's own doings: "how much did Anna pay in total" is a
    fact in her message, not the total of every payment for the hotel in memory."""
    messages = [
        {**_said(1, 0, hers, anna=True), "from": "Анна" if "Анна" in question else "Anna"},
        _said(2, 5, "Paid 60 euros for the hotel parking.", anna=False),
    ]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Hotel", messages), options=EVERYONE)
    assert plan_question(question, ZoneInfo("UTC")).kind == Kind.SUM  # as the planner reads it
    generator.enqueue("Anna: 240 euros [1].")
    answer = await _ask(svc, question)
    assert isinstance(answer, Answer) and answer.found and "240" in answer.text
    assert hers in generator.prompts[0][-1]["content"]
    mine = await _ask(svc, "How much did I spend on the hotel?")
    assert isinstance(mine, Gathered) and [str(total) for total in mine.totals] == ["60 EUR"]


async def test_who_did_something_on_a_day_is_asked_of_their_words_own_time(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """ "谁订了周六晚上的海鲜饭餐厅？" (who booked the paella place for Saturday evening?): the
    Saturday of 王伟's message that says so, weeks ago, not last Saturday, which holds
    nothing."""
    booked = "我订了周六晚上七点的海鲜饭餐厅，一共六个人。"
    messages = [{**_said(1, 0, booked, anna=True), "from": "王伟"}]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Paella", messages), options=EVERYONE)
    generator.enqueue("我订了周六晚上七点的海鲜饭餐厅 [1]。")
    with time_machine.travel(WRITTEN + timedelta(days=25), tick=False):
        answer = await _ask(svc, "谁订了周六晚上的海鲜饭餐厅？")
    assert generator.prompts and booked in generator.prompts[0][-1]["content"]
    assert isinstance(answer, Answer) and answer.found and answer.text.startswith("王伟")


async def test_a_name_the_question_holds_is_no_answer_to_who(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """ "From whom was the parcel Anna picked up?" answered "Anna": the question's own name,
    said back, is not shown as who it was (the model is asked once more first)."""
    messages = [_said(1, 0, "Picked up the parcel from Lena at the post office.", anna=True)]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Parcel", messages), options=EVERYONE)
    generator.enqueue("Anna [1].")
    generator.enqueue("Anna [1].")
    answer = await _ask(svc, "From whom was the parcel Anna picked up?")
    assert isinstance(answer, Answer) and not answer.found
    assert len(generator.prompts) == 2


def test_her_message_about_something_else_is_not_the_answer(svc: Services) -> None:
    """Both of Anna's bookings were shown to the model, which answered the car rental
    question with the flat: what backs it is judged by what it says itself, and her name
    (who said it) is not what it is about."""

    def hers(doc: int, text: str) -> Evidence:
        hit = Hit(doc, 0, None, "Anna", text, 1.0, text, "note", WRITTEN)
        return Evidence(text=f"Anna: {text}", hit=hit, score=1.0, lang="en")

    flat = hers(1, "I booked the flat in Ruzafa, check-in from 3 pm on the 14th.")
    car = hers(2, "Booked the car rental too: Sixt, pick-up at the airport.")
    question = "Which car rental company did Anna book?"
    findings = Findings(question, "en", [flat.hit, car.hit], [flat, car], None)
    prompt = Prompt(messages=[], evidence=[flat, car])
    judge = svc.answerer._judge  # the check the model's answer goes through
    assert not judge(findings, prompt, "The flat in Ruzafa [1].").found
    assert judge(findings, prompt, "Sixt, pick-up at the airport [2].").found


def test_what_she_paid_is_not_backed_by_someone_elses_message(svc: Services) -> None:
    """A Russian question about what Ольга paid, answered with the number from Marco's
    English message beside hers: a third person's words do not back it."""

    def said(doc: int, who: str, text: str, lang: str) -> Evidence:
        hit = Hit(doc, 0, None, who, text, 1.0, text, "note", WRITTEN)
        return Evidence(text=f"{who}: {text}", hit=hit, score=1.0, lang=lang)

    hers = said(1, "Ольга", "Оплатила коммуналку за октябрь, 6840 рублей.", "ru")
    marcos = said(2, "Marco", "Each of you owes me 85 euros for the flat.", "en")
    question = "Сколько Ольга заплатила за коммуналку за октябрь?"
    findings = Findings(question, "ru", [hers.hit, marcos.hit], [hers, marcos], None)
    prompt = Prompt(messages=[], evidence=[hers, marcos])
    judge = svc.answerer._judge
    assert not judge(findings, prompt, "Ольга заплатила за коммуналку 85 euros [2].").found
    assert judge(findings, prompt, "Ольга заплатила 6840 рублей [1].").found


def test_a_third_persons_message_backs_a_question_that_only_names_her(svc: Services) -> None:
    """ "When is Anna's birthday?" asks nothing Anna did: Marco's message that says it
    backs the answer."""

    def said(doc: int, who: str, text: str) -> Evidence:
        hit = Hit(doc, 0, None, who, text, 1.0, text, "note", WRITTEN)
        return Evidence(text=f"{who}: {text}", hit=hit, score=1.0, lang="en")

    anna = said(1, "Anna", "See you all at the party on Saturday!")
    marco = said(2, "Marco", "Anna's birthday is on May 5, don't forget the cake.")
    question = "When is Anna's birthday?"
    findings = Findings(question, "en", [anna.hit, marco.hit], [anna, marco], None)
    prompt = Prompt(messages=[], evidence=[anna, marco])
    assert svc.answerer._judge(findings, prompt, "It is on May 5 [2].").found


async def test_who_told_her_is_answered_by_the_message_that_names_her(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """An answer repeating a message that names whom the question names is a message
    repeated, not the question: its sender is the answer (a group: Anna and Olga)."""
    messages = [
        _said(1, 0, "I told Olga about the surprise party on Friday.", anna=True),
        {
            **_said(2, 5, "The surprise party was lovely!", anna=True),
            "from": "Olga",
            "from_id": "user7",
        },
    ]
    group = {"name": "Friends", "type": "private_group", "id": 99, "messages": messages}
    folder = tmp_path / "Group"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(group), encoding="utf-8")
    svc.keeping.importer.run(ME, folder / "result.json", options=EVERYONE)
    for _ in range(2):  # the question's own words, asked for once more: again
        generator.enqueue("Told Olga about the surprise party [1].")
    answer = await _ask(svc, "Who told Olga about the surprise party?")
    assert "message from Olga" in generator.prompts[0][-1]["content"]
    assert isinstance(answer, Answer) and answer.found and answer.text.startswith("Anna: ")


async def test_who_did_something_on_an_empty_day_stays_that_day_without_that_weekday(
    svc: Services, tmp_path: Path, generator: ScriptedGenerator
) -> None:
    """Someone's message that names no Saturday does not turn "who … on Saturday?" into a
    question about all of memory: the empty Saturday is said to be empty."""
    booked = "我订了海鲜饭餐厅，一共六个人。"
    messages = [{**_said(1, 0, booked, anna=True), "from": "王伟"}]
    svc.keeping.importer.run(ME, _exported(tmp_path / "Paella", messages), options=EVERYONE)
    with time_machine.travel(WRITTEN + timedelta(days=25), tick=False):
        answer = await _ask(svc, "谁订了周六晚上的海鲜饭餐厅？")
    assert isinstance(answer, Answer) and not answer.found and answer.timeframe is not None
