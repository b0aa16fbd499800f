"""Answers: evidence sentences, the quoted line, honest refusals without the model, answers
no evidence backs, time-scoped questions and history (scripted model)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.moments import dates_in
from knowledge.services.answers.prompting import NOT_IN_MEMORY, NOT_IN_MEMORY_ON, SYSTEM_PROMPT
from present.texts import source_label
from tests.fakes import ScriptedGenerator
from tests.samples import Sample

STORAGE_TESTS = True  # each test runs on SQLite and on PostgreSQL


async def _ask(
    services: Services, user: int, question: str, history: bool = False
) -> tuple[str, Answer]:
    streamed: list[str] = []
    final = None
    async for event in services.asking.ask(user, question, with_history=history):
        if isinstance(event, Answer):
            final = event
        elif isinstance(event, str):
            streamed.append(event)
    assert final is not None
    return "".join(streamed), final


async def test_user_without_memory_is_told_at_once_in_their_language(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    for question, language in (
        ("What voltage does the manual recommend?", "en"),
        ("Какое напряжение рекомендует инструкция?", "ru"),
        ("¿Qué voltaje recomienda el manual?", "es"),
        ("手册推荐什么电压？", "zh"),
    ):
        text, answer = await _ask(services, 7, question)
        assert text == "" and answer.text == NOT_IN_MEMORY[language]
        assert not answer.found and answer.quotes == []
    assert generator.prompts == []


async def test_answer_comes_with_the_sentence_that_backs_it(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("The manual recommends 24 volts DC [1].")
    text, answer = await _ask(services, 42, samples[0].question)
    assert text == "The manual recommends 24 volts DC [1]."
    assert answer.found and answer.text == "The manual recommends 24 volts DC."
    quote = answer.quotes[0]
    assert (quote.hit.doc_name, quote.hit.page, quote.label()) == (
        "manual.pdf",
        5,
        "manual.pdf p.5",
    )
    assert "24 volts DC" in quote.text and len(quote.text) < len(quote.hit.text)
    prompt = generator.prompts[0]
    assert prompt[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert "[1] manual.pdf p.5: " in prompt[-1]["content"]
    assert samples[0].question in prompt[-1]["content"]
    assert "This page describes" not in prompt[-1]["content"], "filler sentences were sent"
    assert 0 < answer.prompt_tokens <= services.settings.evidence_tokens + 120


async def test_an_answer_no_evidence_backs_is_not_shown_as_a_fact(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("The X-200 controller needs 110 volts AC from the mains [1].")
    text, answer = await _ask(services, 42, samples[0].question)
    assert "110" in text  # streamed as it came ...
    assert not answer.found and answer.text == NOT_IN_MEMORY["en"]  # ... but not shown
    assert answer.model_text and "110" in answer.model_text
    assert answer.quotes and "24 volts" in answer.quotes[0].text  # the nearest thing found


async def test_a_refusal_and_an_echoed_question_become_not_in_memory(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("I don't know: your memory does not say.")
    generator.enqueue(samples[0].question)
    generator.enqueue(samples[0].question)  # asked once more, said back again
    for _ in range(2):
        _, answer = await _ask(services, 42, samples[0].question)
        assert not answer.found and answer.text == NOT_IN_MEMORY["en"]
    assert len(generator.prompts) == 3
    assert "Do not repeat the question" in generator.prompts[2][-1]["content"]


async def test_a_question_said_back_is_asked_once_more_and_the_answer_then_shown(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(42, "酒店的早餐是七点到十点半。")
    generator.enqueue("酒店早餐几点到几点？")
    generator.enqueue("早餐是七点到十点半 [1]。")
    _, answer = await _ask(services, 42, "酒店早餐几点到几点？")
    assert answer.found and answer.text == "早餐是七点到十点半。"
    first, again = generator.prompts
    assert again[-1]["content"].startswith(first[-1]["content"])


async def test_an_unrelated_question_is_refused_without_the_model(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    for sample in samples[:4]:
        services.keeping.ingestor.ingest_file(42, sample.path)
    _, answer = await _ask(services, 42, "Who won the football world cup in 1998?")
    assert not answer.found and answer.text == NOT_IN_MEMORY["en"]
    assert generator.prompts == []


async def test_uncited_but_grounded_answer_finds_its_sentence(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    for sample in samples[:3]:
        services.keeping.ingestor.ingest_file(42, sample.path)
    generator.enqueue("The hotel in Lisbon is called Casa Azul.")
    _, answer = await _ask(services, 42, "What is the hotel in Lisbon called?")
    assert answer.found
    assert [q.hit.doc_name for q in answer.quotes][:1] == ["trip.docx"]
    assert answer.quotes[0].text == "The hotel in Lisbon is called Casa Azul."


async def test_a_question_about_a_day_is_answered_from_that_day(
    services: Services, generator: ScriptedGenerator
) -> None:
    now = datetime.now(UTC)
    services.keeping.ingestor.add_note(
        42, "Lunch: mushroom risotto.", created_at=now - timedelta(days=1)
    )
    services.keeping.ingestor.add_note(42, "Lunch: tomato soup.", created_at=now)
    generator.enqueue("You had mushroom risotto [1].")
    _, answer = await _ask(services, 42, "What was my lunch yesterday?")
    sent = generator.prompts[0][-1]["content"]
    assert "risotto" in sent and "tomato" not in sent
    assert answer.found and answer.timeframe is not None and answer.timeframe.period == "day"
    generator.prompts.clear()
    _, empty = await _ask(services, 43, "What was my lunch yesterday?")
    assert not empty.found and generator.prompts == []
    yesterday = (now - timedelta(days=1)).date()
    written = f"{yesterday:%b} {yesterday.day}, {yesterday.year}"  # as English writes a day
    assert empty.text == NOT_IN_MEMORY_ON["en"].format(when=written)


async def test_system_prompt_and_examples_stay_first_and_identical(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("24 volts [1].")
    generator.enqueue("28 volts [1].")
    await _ask(services, 42, "What voltage is recommended for the X-200?", history=True)
    await _ask(services, 42, "And what is the maximum voltage of the X-200?", history=True)
    first, second = generator.prompts
    preamble = len(first) - 1
    assert first[:preamble] == second[:preamble]
    assert second[preamble] == {
        "role": "user",
        "content": "What voltage is recommended for the X-200?",
    }
    assert second[preamble + 1] == {"role": "assistant", "content": "24 volts."}


async def test_prime_hands_the_constant_preamble_to_the_model(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    await services.answerer.prime()
    generator.enqueue("24 volts [1].")
    await _ask(services, 42, samples[0].question)
    primed = generator.primed[0]
    assert generator.prompts[0][: len(primed)] == primed


async def test_history_persists_across_restarts(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.keeping.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("24 volts DC [1].")
    await _ask(services, 42, "What supply voltage does the manual recommend?")
    services.close()
    from tests.core import started

    again = started(services.settings, embedder=services.embedder, generator=generator)
    try:
        assert again.asking.history(42) == [
            ("user", "What supply voltage does the manual recommend?"),
            ("assistant", "24 volts DC."),
        ]
        assert again.asking.history(7) == []
    finally:
        again.close()


async def test_an_answer_in_the_wrong_language_is_asked_for_again(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(42, "Напряжение питания контроллера: 24 вольта.")
    generator.enqueue("The controller needs 24 volts [1].")
    generator.enqueue("Контроллеру нужно 24 вольта [1].")
    _, answer = await _ask(services, 42, "Какое напряжение питания у контроллера?")
    assert answer.found and answer.text == "Контроллеру нужно 24 вольта."
    first, retry = generator.prompts
    assert retry[:-1] == first[:-1] and retry[-1]["content"].startswith(first[-1]["content"])
    assert "по-русски" in retry[-1]["content"]


async def test_an_english_date_in_a_russian_answer_is_written_in_russian(
    services: Services, generator: ScriptedGenerator
) -> None:
    """A small model writes the day of a Russian note as "14 October": the date is told in
    the question's language, with no second call to the model for it."""
    services.keeping.ingestor.add_note(42, "Записала Тёму к логопеду на 14 октября, на 16:20.")
    generator.enqueue("14 October, 16:20 [1].")
    _, answer = await _ask(services, 42, "На какое число я записала Тёму к логопеду?")
    assert answer.found and answer.text == "14 октября, 16:20."
    assert len(generator.prompts) == 1


@pytest.mark.parametrize(
    ("note", "said", "shown"),
    [
        ("Поменял пароль от вайфая на даче, теперь volna-88", "Пароль: 88 [1].", "volna-88"),
        ("Пароль от вайфая на даче: rosa2019", "Пароль: Роса2019 [1].", "rosa2019"),
        ("停车位在B2层，车位号是B2-117。", "车位号是117 [1]。", "B2-117"),
    ],
)
async def test_a_value_comes_out_whole_as_memory_holds_it(
    services: Services, generator: ScriptedGenerator, note: str, said: str, shown: str
) -> None:
    """A small model keeps a value's digits ("88") or writes it in its own letters
    ("Роса2019"): the answer shows it as the note does."""
    services.keeping.ingestor.add_note(42, note)
    generator.enqueue(said)
    question = "车位号是多少？" if "车位" in note else "Какой пароль от вайфая на даче?"
    _, answer = await _ask(services, 42, question)
    assert answer.found and shown in answer.text


@pytest.mark.parametrize(
    ("said", "language", "shown"),
    [
        ("14 October, 16:20", "ru", "14 октября, 16:20"),
        ("El October 3rd a las 9", "es", "El 3 de octubre a las 9"),
        ("September 3", "zh", "9月3日"),
        ("Hotel con vista al mar 2 noches", "es", "Hotel con vista al mar 2 noches"),
        ("Приём 14 October. Потом домой.", "ru", "Приём 14 октября. Потом домой."),
        ("May 14:00", "es", "May 14:00"),
        ("14 May", "en", "14 May"),
        ("Квартира 45, Mar-2", "ru", "Квартира 45, Mar-2"),
    ],
)
def test_an_answers_english_dates_are_put_in_its_language(
    said: str, language: str, shown: str
) -> None:
    assert dates_in(said, language) == shown


async def test_an_answer_backed_by_a_line_about_something_else_is_not_shown(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(42, "The landlord's phone number is +34 611 204 918.")
    generator.enqueue("My bank account number is +34 611 204 918.")
    generator.enqueue("The landlord's phone number is +34 611 204 918.")
    _, wrong = await _ask(services, 42, "What is my bank account number?")
    assert not wrong.found and wrong.text == NOT_IN_MEMORY["en"]
    _, right = await _ask(services, 42, "What is the landlord's phone number?")
    assert right.found and "611 204 918" in right.text


async def test_a_weekday_question_finds_the_note_that_names_that_day(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.digests.set_timezone(42, "Europe/Madrid")
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    services.keeping.ingestor.add_note(42, "Ужин у бабушки в субботу в 19:00", created_at=wednesday)
    services.keeping.ingestor.add_note(42, "Обед: борщ", created_at=wednesday)
    generator.enqueue("Ужин у бабушки в 19:00.")
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=UTC)):  # asked on Thursday
        _, answer = await _ask(services, 42, "Во сколько ужин у бабушки в субботу?")
    assert answer.found and "19:00" in answer.text
    assert "бабушки" in generator.prompts[0][-1]["content"]


async def test_a_quoted_note_says_when_it_was_written_on_the_users_clock(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.digests.set_timezone(43, "Asia/Shanghai")
    written = datetime(2026, 12, 2, 9, 2, tzinfo=UTC)  # 17:02 in Shanghai
    services.keeping.ingestor.add_note(43, "Went to the library with Wang.", created_at=written)
    generator.enqueue("You went to the library with Wang [1].")
    _, answer = await _ask(services, 43, "Where did I go with Wang?")
    assert answer.quotes and answer.quotes[0].hit.label() == "note of 2026-12-02 17:02"
    found = services.passages.find(43, "library Wang")  # /search
    assert found[0].hit.created_at == written
    assert source_label(found[0].hit, "zh") == "2026年12月2日 17:02 的笔记"
