"""Answers: retrieval scoped to the asker, prompt shape, citations, history (scripted model)."""

from __future__ import annotations

from knowledge.answering import Answer
from knowledge.bootstrap import Services
from knowledge.prompting import NO_MEMORY, SYSTEM_PROMPT
from tests.fakes import ScriptedGenerator
from tests.samples import Sample

STORAGE_TESTS = True  # each test runs on SQLite and on PostgreSQL


async def _ask(
    services: Services, user: int, question: str, history: bool = False
) -> tuple[str, Answer]:
    streamed = []
    final = None
    async for event in services.answerer.ask(user, question, with_history=history):
        if isinstance(event, Answer):
            final = event
        else:
            streamed.append(event)
    assert final is not None
    return "".join(streamed), final


async def test_user_without_memory_gets_dont_know_in_their_language(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.ingestor.ingest_file(42, samples[0].path)
    for question, language in (
        ("What voltage does the manual recommend?", "en"),
        ("Какое напряжение рекомендует инструкция?", "ru"),
        ("¿Qué voltaje recomienda el manual?", "es"),
        ("手册推荐什么电压？", "zh"),
    ):
        text, answer = await _ask(services, 7, question)
        assert text == NO_MEMORY[language] and answer.sources == []
    assert generator.prompts == []


async def test_answer_streams_and_cites_the_page(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("The manual recommends 24 volts DC [1].")
    text, answer = await _ask(services, 42, samples[0].question)
    assert text == "The manual recommends 24 volts DC [1]."
    assert [c.label() for c in answer.sources] == ["[1] manual.pdf p.5"]
    prompt = generator.prompts[0]
    assert prompt[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert "[1] manual.pdf p.5" in prompt[-1]["content"]
    assert samples[0].question in prompt[-1]["content"]


async def test_a_wrong_citation_is_not_trusted(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("The capital of Peru is Lima [3].")
    _, answer = await _ask(services, 42, "What is the capital of Peru?")
    assert answer.sources == [] and answer.unsupported


async def test_dont_know_cites_nothing(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("I don't know: your memory has nothing about that.")
    _, answer = await _ask(services, 42, "Who painted the Mona Lisa?")
    assert answer.sources == [] and not answer.unsupported


async def test_uncited_but_grounded_answer_finds_its_source(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    for sample in samples[:3]:
        services.ingestor.ingest_file(42, sample.path)
    generator.enqueue("The hotel in Lisbon is called Casa Azul.")
    _, answer = await _ask(services, 42, "What is the hotel in Lisbon called?")
    assert [c.hit.doc_name for c in answer.sources] == ["trip.docx"]


async def test_system_prompt_and_examples_stay_first_and_identical(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("24 volts [1].")
    generator.enqueue("28 volts [1].")
    await _ask(services, 42, "What voltage is recommended?", history=True)
    await _ask(services, 42, "And the maximum?", history=True)
    first, second = generator.prompts
    preamble = len(first) - 1
    assert first[:preamble] == second[:preamble]
    assert second[preamble] == {"role": "user", "content": "What voltage is recommended?"}
    assert second[preamble + 1] == {"role": "assistant", "content": "24 volts [1]."}


async def test_history_persists_across_restarts(
    services: Services, generator: ScriptedGenerator, samples: list[Sample]
) -> None:
    services.ingestor.ingest_file(42, samples[0].path)
    generator.enqueue("24 volts DC [1].")
    await _ask(services, 42, "What voltage?")
    services.close()
    from knowledge.bootstrap import bootstrap

    again = bootstrap(services.settings, embedder=services.embedder, generator=generator)
    try:
        assert again.answerer.history(42) == [
            ("user", "What voltage?"),
            ("assistant", "24 volts DC [1]."),
        ]
        assert again.answerer.history(7) == []
    finally:
        again.close()
