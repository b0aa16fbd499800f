"""A quantity inside a note is a fact; a count or a sum is of the person's own events and
spending (words/quantities.py), in en/ru/es/zh. The whole sets: bench/planner.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.gathering import Gathered
from knowledge.services.words.planning import Kind, plan
from tests.fakes import ScriptedGenerator

ZONE = ZoneInfo("Europe/Madrid")
ASKED = datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)


@pytest.mark.parametrize(
    "question",
    [
        "How many eggs go into the syrniki?",
        "How many grams of flour go into Olga's plum cake?",
        "How often must the Zarnitsa-7 boiler be descaled?",
        "How many times a day should I take the antibiotic?",
        "How much did I pay for the new tyres?",
        "Сколько творога нужно для сырников?",
        "Сколько витамина D в день сказал принимать врач?",
        "Как часто нужно чистить котёл Зарница-7 от накипи?",
        "Сколько стоил обед в грузинском кафе?",
        "Сколько комнат в квартире, которую мы смотрели в субботу?",
        "¿Cuántos tomates lleva el gazpacho?",
        "¿Cuántas veces al día tengo que tomar el antibiótico?",
        "¿Cuánto pagué por las ruedas nuevas?",
        "¿Con qué frecuencia hay que cambiar el filtro del acuario?",
        "午饭花了多少钱？",
        "抗生素一天吃几次？",
        "健身房会员一个月多少钱？",
        "水管工修锅炉收了多少钱？",
    ],
)
def test_a_quantity_inside_a_note_is_a_fact(question: str) -> None:
    assert plan(question, ZONE, ASKED).kind == Kind.FACT


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many times did I go jogging this month?", Kind.COUNT),
        ("How many workouts did I do this week?", Kind.COUNT),
        ("How much did we spend eating out last weekend?", Kind.SUM),
        ("How much money did I spend on books this year?", Kind.SUM),
        ("Сколько раз я ходил в бассейн в этом месяце?", Kind.COUNT),
        ("Сколько тренировок у меня было на прошлой неделе?", Kind.COUNT),
        ("Во что мне обошлись продукты на этой неделе?", Kind.SUM),
        ("Сколько денег ушло на кафе в ноябре?", Kind.SUM),
        ("¿Cuántas veces fui al gimnasio este mes?", Kind.COUNT),
        ("¿Cuánto gasté en taxis?", Kind.SUM),
        ("¿Cuánto le pagué a la canguro el mes pasado?", Kind.SUM),
        ("¿Cuánto gastamos en restaurantes el fin de semana pasado?", Kind.SUM),
        ("这周我跑了几次步？", Kind.COUNT),
        ("上个月打车花了多少钱？", Kind.SUM),
        ("我付了几次水管工的钱？", Kind.COUNT),  # "how many times", though money is named
    ],
)
def test_a_count_or_a_sum_is_of_the_persons_own_doings(question: str, kind: Kind) -> None:
    read = plan(question, ZONE, ASKED)
    assert read.kind == kind
    assert read.subject  # what is counted or added up stays


def test_a_quantity_on_a_day_is_still_a_fact_not_that_days_list() -> None:
    for question in ("How many eggs did Olga put in the cake on Sunday?", "昨天午饭花了多少钱？"):
        assert plan(question, ZONE, ASKED).kind == Kind.FACT


@pytest.mark.parametrize("question", ["", "?", "сколько", "多少", "How many " * 500, "几次了"])
def test_odd_questions_are_read_without_failing(question: str) -> None:
    assert plan(question, ZONE, ASKED).kind in set(Kind)


async def test_a_recipe_question_is_answered_from_the_note_not_counted(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(
        1, "Syrniki: 500 g tvorog, 2 eggs, 3 tbsp flour, a pinch of salt."
    )
    services.keeping.ingestor.add_note(1, "Made syrniki for breakfast, the kids loved them.")
    generator.enqueue("2 eggs go into the syrniki.")
    with time_machine.travel(ASKED, tick=False):
        events = [
            event async for event in services.asking.ask(1, "How many eggs go into the syrniki?")
        ]
    assert not any(isinstance(event, Gathered) for event in events)
    answer = events[-1]
    assert isinstance(answer, Answer) and answer.found and "2 eggs" in answer.text
