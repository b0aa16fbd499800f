"""Gathering answers on the core with fakes: a week of notes at their own times, then a
day's meals in full, events found by the day they name, a subject, a count, a sum."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from knowledge.bootstrap import Services
from knowledge.services.answers.asking import Summarised
from knowledge.services.answers.gathering import Gathered, amount_in
from knowledge.services.words.planning import Kind, plan
from present.render_gathered import heading
from present.texts import t
from tests.samples import DIARY_WEEK as WEEK

USER = 3
ZONE = ZoneInfo("Europe/Madrid")
MONDAY = datetime(2026, 11, 23, tzinfo=ZONE)
ASKED = MONDAY + timedelta(days=7, hours=10)  # the Monday after


def _fill(services: Services) -> dict[str, int]:
    services.digests.set_timezone(USER, "Europe/Madrid")
    ids = {}
    for offset, hour, text in WEEK:
        written = MONDAY + timedelta(days=offset, hours=hour)
        ids[text] = services.keeping.ingestor.add_note(USER, text, created_at=written).doc_id
    return ids


async def _ask(services: Services, question: str) -> Gathered | Summarised:
    with time_machine.travel(ASKED, tick=False):
        events = [event async for event in services.asking.ask(USER, question)]
    [event] = events
    assert isinstance(event, Gathered | Summarised)
    return event


def _texts(gathered: Gathered) -> list[str]:
    return [found.item.text for found in gathered.found]


async def test_a_days_meals_in_full_and_nothing_else(services: Services) -> None:
    _fill(services)
    tuesday = await _ask(services, "What did I eat on Tuesday?")
    assert isinstance(tuesday, Gathered) and tuesday.plan.kind == Kind.TIME
    assert _texts(tuesday) == [
        "Breakfast: toast with jam",
        "Lunch: tomato soup and a grilled cheese sandwich",
        "Dinner: lentil stew",
    ]


async def test_an_item_belongs_to_the_day_it_names(services: Services) -> None:
    _fill(services)
    saturday = await _ask(services, "What did I do on Saturday?")
    assert isinstance(saturday, Gathered)
    assert _texts(saturday) == [
        "Hiked to Peñalara peak with Tom, 14 km.",
        "Ужин у бабушки в субботу в 19:00",  # noted on Wednesday, about Saturday
    ]
    wednesday = await _ask(services, "Что я ел в среду?")
    assert isinstance(wednesday, Gathered)
    assert _texts(wednesday) == ["Обед: борщ"]  # not the Saturday dinner noted that day


async def test_a_part_of_the_day_in_another_language(services: Services) -> None:
    _fill(services)
    morning = await _ask(services, "Who did I meet on Thursday morning?")
    assert isinstance(morning, Gathered)
    assert _texts(morning) == ["周四上午和李伟见面喝咖啡"]


async def test_a_subject_roundup_a_count_and_a_sum(services: Services) -> None:
    ids = _fill(services)
    cabin = await _ask(services, "Tell me everything I noted about the cabin.")
    assert isinstance(cabin, Gathered) and cabin.plan.kind == Kind.SUBJECT
    assert {found.item.doc_id for found in cabin.found} == {
        ids[text] for text in ids if "cabin" in text.lower()
    }
    runs = await _ask(services, "How many times did I go jogging last week?")
    assert isinstance(runs, Gathered) and runs.plan.kind == Kind.COUNT and runs.count == 3
    paid = await _ask(
        services, "How much did I pay in total for the plumber and the electricity bill?"
    )
    assert isinstance(paid, Gathered) and paid.plan.kind == Kind.SUM
    assert [str(total) for total in paid.totals] == ["149.30 EUR"]
    assert sorted(str(found.amount) for found in paid.found) == ["64.30 EUR", "85 EUR"]
    for language in ("en", "ru", "es", "zh"):  # a sum over no time named says so
        shown = heading(paid, language)
        assert t("gather_all_time", language) in shown and "—" not in shown, shown


async def test_nothing_found_is_an_empty_list_not_a_guess(services: Services) -> None:
    _fill(services)
    empty = await _ask(services, "What did I eat on Tuesday two weeks ago?")
    nothing = await _ask(services, "Everything about the boat")
    assert isinstance(nothing, Gathered) and nothing.found == []
    assert isinstance(empty, Gathered)


def test_the_same_words_on_another_day_are_a_new_item(services: Services) -> None:
    first = services.keeping.ingestor.add_note(USER, "Went jogging", source="tg:3:1")
    again = services.keeping.ingestor.add_note(USER, "Went jogging", source="tg:3:2")
    redelivered = services.keeping.ingestor.add_note(USER, "Went jogging", source="tg:3:2")
    assert not again.duplicate and again.doc_id != first.doc_id
    assert redelivered.duplicate and redelivered.doc_id == again.doc_id


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Paid the plumber 85 euros", "85 EUR"),
        ("Electricity bill: €64.30", "64.30 EUR"),
        ("Заплатил сантехнику 1 200 руб.", "1200 RUB"),
        ("在市场买菜花了65欧元", "65 EUR"),
        ("Factura de la luz: 47,29 euros", "47.29 EUR"),
        ("Ran 5 km", None),
    ],
)
def test_amounts_in_items(text: str, amount: str | None) -> None:
    found = amount_in(text)
    assert (str(found) if found else None) == amount
    if found:
        assert isinstance(found.value, Decimal)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What did I eat on Tuesday?", Kind.TIME),
        ("что я делал на этой неделе", Kind.TIME),
        ("¿qué hice ayer por la tarde?", Kind.TIME),
        ("我这周见了谁", Kind.TIME),
        ("everything about the cabin", Kind.SUBJECT),
        ("все рецепты, что я сохранил", Kind.SUBJECT),
        ("всё, что Анна говорила про свадьбу", Kind.SUBJECT),  # a roundup for a person
        ("everything Anna told me about the wedding", Kind.SUBJECT),
        ("todo lo que Lucía dijo sobre la boda", Kind.SUBJECT),
        ("todo lo que Lucía dijo", Kind.SUBJECT),
        ("everything Anna said", Kind.SUBJECT),
        ("всё, что Ольга говорила", Kind.SUBJECT),
        ("Todas mis notas sobre Marta", Kind.SUBJECT),
        ("Summarize the boat handbook.", Kind.SUMMARY),
        ("Перескажи инструкцию к котлу", Kind.SUMMARY),
        ("how many times did I go jogging in November", Kind.COUNT),
        ("¿Cuántas veces salí a correr este mes?", Kind.COUNT),
        ("我11月付给水管工和电费一共多少钱？", Kind.SUM),
        ("What is the Wi-Fi password?", Kind.FACT),
        ("Во сколько ужин у бабушки в субботу?", Kind.FACT),
        ("How many people came to the party?", Kind.FACT),
    ],
)
def test_the_planner_reads_the_kind(question: str, kind: Kind) -> None:
    assert plan(question, ZONE, ASKED).kind == kind


@pytest.mark.parametrize(
    "question",
    ["¿Adónde fui ayer?", "¿A dónde fui ayer?", "Where did I go yesterday?", "Куда я ходил вчера?"],
)
def test_where_one_went_that_day_is_that_days_list_with_no_subject(question: str) -> None:
    """The way of asking is no subject: a subject would keep only items holding its word."""
    read = plan(question, ZONE, ASKED)
    assert (read.kind, read.subject) == (Kind.TIME, "")


async def test_what_was_noted_that_day_is_every_item_written_then(services: Services) -> None:
    _fill(services)
    noted = await _ask(services, "What did I note on Wednesday?")
    assert isinstance(noted, Gathered) and noted.plan.written
    assert "Ужин у бабушки в субботу в 19:00" in _texts(noted)  # written then, about Saturday
    chinese = await _ask(services, "我周三记了什么？")  # "记" is no subject: every item
    assert isinstance(chinese, Gathered) and chinese.plan.written
    assert _texts(chinese) == _texts(noted)
