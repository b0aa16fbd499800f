"""Values that change (answers/versions.py, answers/moments.py): the newest note is the
current value, with its date; the earlier ones answer questions about the past; a note its
owner marked outdated is passed over and can be restored; an answer to "when" keeps the
day its evidence names (scripted model: what it is shown is asserted)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from knowledge.bootstrap import Services
from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.model import Hit
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.evidence import Evidence
from knowledge.services.answers.prompting import without_citations
from knowledge.services.answers.versions import Asks, asks, timeline
from knowledge.services.words.fact_subject import fact_subject
from tests.fakes import ScriptedGenerator

STORAGE_TESTS = True
SEPTEMBER = datetime(2026, 9, 3, 9, 15, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 20, 18, 40, tzinfo=UTC)
OLD = "Gym locker 118, the one by the showers"
NEW = "Switched my gym locker, I'm in 204 now"


async def _ask(services: Services, user: int, question: str) -> Answer:
    final = None
    async for event in services.asking.ask(user, question):
        if isinstance(event, Answer):
            final = event
    assert final is not None
    return final


def _shown(generator: ScriptedGenerator) -> str:
    """The memory lines of the last prompt the model was given."""
    return generator.prompts[-1][-1]["content"]


def _noted(services: Services, user: int = 42) -> tuple[int, int]:
    old = services.keeping.ingestor.add_note(user, OLD, created_at=SEPTEMBER)
    new = services.keeping.ingestor.add_note(user, NEW, created_at=NOVEMBER)
    return old.doc_id, new.doc_id


async def test_the_newest_value_is_the_current_one_with_its_date(
    services: Services, generator: ScriptedGenerator
) -> None:
    _noted(services)
    services.keeping.ingestor.add_note(42, "Pool locker code 6147", created_at=NOVEMBER)
    generator.enqueue("Your gym locker is 204 [1].")
    answer = await _ask(services, 42, "Which gym locker is mine?")
    assert "204" in _shown(generator) and "118" not in _shown(generator)  # stale set aside
    assert answer.found and answer.text == "Your gym locker is 204 (since Nov 20, 2026)."
    assert answer.quotes[0].text == NEW


async def test_the_past_value_comes_from_the_history(
    services: Services, generator: ScriptedGenerator
) -> None:
    _noted(services)
    generator.enqueue("It was locker 118 [1].")
    answer = await _ask(services, 42, "What was my old gym locker?")
    assert "118" in _shown(generator) and "204" not in _shown(generator)
    assert "Question: What was my gym locker?" in _shown(generator)  # the value, asked plainly
    assert answer.found and answer.text == "It was locker 118 (until Nov 20, 2026)."


async def test_when_it_changed_is_answered_from_the_notes_dates(
    services: Services, generator: ScriptedGenerator
) -> None:
    _noted(services)
    answer = await _ask(services, 42, "When did I change my gym locker?")
    assert generator.prompts == []  # no model: the dates are the answer
    assert answer.found and answer.text.startswith("On Nov 20, 2026")
    assert "Sep 3, 2026" in answer.text
    assert [quote.text for quote in answer.quotes] == [NEW, OLD]


async def test_the_russian_and_chinese_answers_say_since_when_in_their_language(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(
        7, "Пароль от роутера на даче: rosa2019", created_at=SEPTEMBER
    )
    changed = "Поменял пароль от роутера на даче: volna-88"
    services.keeping.ingestor.add_note(7, changed, created_at=NOVEMBER)
    generator.enqueue("Пароль от роутера на даче: volna-88 [1].")
    answer = await _ask(services, 7, "Какой пароль от роутера на даче?")
    assert "rosa2019" not in _shown(generator)
    assert answer.text == "Пароль от роутера на даче: volna-88 (с 20 ноября 2026)."
    services.keeping.ingestor.add_note(8, "我的车位是B2-117。", created_at=SEPTEMBER)
    services.keeping.ingestor.add_note(8, "换车位了，我的车位现在是C3-045。", created_at=NOVEMBER)
    generator.enqueue("你的车位是C3-045 [1]。")
    answer = await _ask(services, 8, "我的车位是几号？")
    assert "B2-117" not in _shown(generator)
    assert answer.text == "你的车位是C3-045（自2026年11月20日起）。"


async def test_a_value_noted_once_is_answered_as_before(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(42, OLD, created_at=SEPTEMBER)
    generator.enqueue("Your gym locker is 118 [1].")
    answer = await _ask(services, 42, "Which gym locker is mine?")
    assert answer.text == "Your gym locker is 118."


async def test_an_outdated_note_is_passed_over_until_restored(
    services: Services, generator: ScriptedGenerator
) -> None:
    old, new = _noted(services)
    marked = services.outdated.mark(42, new)
    assert marked.outdated_at is not None and marked.id == new
    answer = await _ask(services, 42, "Which gym locker is mine?")
    # The newest value no longer holds, and what it replaced held before it: no current
    # value, said without the model, the notes shown as the nearest.
    assert not answer.found and generator.prompts == []
    assert {quote.text for quote in answer.quotes} == {OLD, NEW}
    generator.enqueue("It was locker 204 [1].")
    past = await _ask(services, 42, "What was my old gym locker?")
    assert "204" in _shown(generator)  # an outdated value is an earlier one
    assert past.found
    assert services.outdated.restore(42, new).outdated_at is None
    generator.enqueue("Your gym locker is 204 [1].")
    again = await _ask(services, 42, "Which gym locker is mine?")
    assert again.found and "204" in again.text
    services.outdated.mark(42, old)  # an earlier value marked: the newest still holds
    generator.enqueue("Your gym locker is 204 [1].")
    after = await _ask(services, 42, "Which gym locker is mine?")
    assert after.found and "118" not in _shown(generator)


async def test_only_the_owner_can_mark_a_note_outdated(services: Services) -> None:
    _, new = _noted(services, user=42)
    with pytest.raises(DocumentNotFound):
        services.outdated.mark(99, new)
    with pytest.raises(DocumentNotFound):
        services.outdated.restore(99, new)
    with services.engines.storage.read() as uow:
        assert uow.documents.outdated_among(42, {new}) == {}
        assert uow.documents.set_outdated(99, new, NOVEMBER) is False
    services.outdated.mark(42, new)
    with services.engines.storage.read() as uow:
        assert set(uow.documents.outdated_among(42, {new})) == {new}
        assert uow.documents.outdated_among(99, {new}) == {}  # another user sees none


async def test_an_outdated_note_stays_in_memory_and_forget_removes_it(
    services: Services,
) -> None:
    _, new = _noted(services)
    services.outdated.mark(42, new)
    assert new in {doc.id for doc in services.memory.documents(42)}
    assert services.passages.find(42, "gym locker 204")  # still found by /search
    services.memory.forget(42, new)
    with pytest.raises(DocumentNotFound):
        services.outdated.restore(42, new)


async def test_an_answer_to_when_keeps_the_day_its_note_names(
    services: Services, generator: ScriptedGenerator
) -> None:
    services.keeping.ingestor.add_note(5, "Пилу из ремонта забрать в пятницу в 16:00")
    generator.enqueue("16:00 [1].")
    answer = await _ask(services, 5, "Когда забрать пилу из ремонта?")
    assert answer.found and answer.text == "16:00 (в пятницу)."
    generator.enqueue("В пятницу в 16:00 [1].")
    kept = await _ask(services, 5, "Когда забрать пилу из ремонта?")
    assert kept.text == "В пятницу в 16:00."  # the day already there: nothing added


def test_what_a_question_asks_of_time() -> None:
    assert asks("What's the home Wi-Fi password?") is Asks.CURRENT
    for past in (
        "What was my old locker?",
        "¿Cuál era el código del portal antes?",
        "Какой был раньше пароль от роутера?",
        "以前的车位是几号？",
    ):
        assert asks(past) is Asks.PAST, past
    for change in ("When did I change the Wi-Fi password?", "Когда я поменял пароль?"):
        assert asks(change) is Asks.CHANGE, change


def _item(doc: int, text: str, day: int, score: float = 1.0) -> Evidence:
    hit = Hit(doc, 0, None, None, text, score, text, "note", datetime(2026, 11, day, tzinfo=UTC))
    return Evidence(text=text, hit=hit, score=score, lang="en")


def test_versions_are_the_notes_that_hold_the_subjects_telling_word() -> None:
    """ "netflix" is held by two notes, "password" by four: the router's password, newer,
    is not a version of the Netflix one, so it never sets the Netflix password aside."""
    evidence = [
        _item(1, "Netflix password is maple-tree-9", 1, 1.2),
        _item(2, "Netflix password updated to river-stone-4", 10, 1.1),
        _item(3, "Router admin password is Tq9-lamp", 20, 0.9),
        _item(4, "Home Wi-Fi password: Sunflower42", 25, 0.8),
    ]

    def held(item: Evidence) -> set[object]:
        return {word for word in ("netflix", "password") if word in item.text.lower()}

    found = timeline("What's the Netflix password?", evidence, held=held, close=lambda a, b: 0.5)
    assert [item.hit.doc_id for item in found.versions] == [1, 2]
    # The old Netflix one aside, and the other passwords too: they hold fewer of the
    # subject's words than the current value, and a small model takes a nearby value.
    assert [item.hit.doc_id for item in found.shown] == [2]
    assert [item.hit.doc_id for item in found.aside] == [1, 3, 4]
    past = timeline(
        "What was the Netflix password before?", evidence, held=held, close=lambda a, b: 0.5
    )
    assert [item.hit.doc_id for item in past.shown] == [1]  # the earlier value alone
    apart = timeline("What's the Netflix password?", evidence, held=held, close=lambda a, b: 0.1)
    assert [item.hit.doc_id for item in apart.versions] == [1]  # not close in meaning: one


def test_notes_kept_at_one_moment_are_not_a_value_and_its_change() -> None:
    """A document's paragraphs or an export's notes, kept minutes apart, all stay shown."""
    first = _item(1, "Luther wrote hymns in German", 5, 1.2)
    second = _item(2, "Luther translated the Bible", 5, 1.1)
    second = replace(
        second, hit=replace(second.hit, created_at=datetime(2026, 11, 5, 0, 10, tzinfo=UTC))
    )

    def held(item: Evidence) -> set[object]:
        return {"luther"}

    found = timeline("What did Luther write?", [first, second], held=held, close=lambda a, b: 0.9)
    assert [item.hit.doc_id for item in found.shown] == [1, 2] and found.aside == []


def test_a_later_version_is_found_among_weaker_evidence() -> None:
    """A note that changes a value may share fewer of the question's words than the one it
    replaced ("Me han cambiado de puesto, ahora estoy en el 4D-19" for "mi puesto en la
    oficina"): found in the pool under the evidence, it is the current value all the same."""
    evidence = [_item(1, "My desk at the office: 2B-07", 1, 1.1)]
    pool = [_item(2, "They moved my desk, I'm at 4D-19 now", 20, 0.4)]

    def held(item: Evidence) -> set[object]:
        return {word for word in ("desk", "office") if word in item.text.lower()}

    alone = timeline("What's my desk at the office?", evidence, held=held, close=lambda a, b: 0.5)
    assert [item.hit.doc_id for item in alone.shown] == [1]
    found = timeline(
        "What's my desk at the office?", evidence, held=held, close=lambda a, b: 0.5, pool=pool
    )
    assert [item.hit.doc_id for item in found.versions] == [1, 2]
    assert [item.hit.doc_id for item in found.shown] == [2]
    past = timeline(
        "What was my old desk at the office?",
        evidence,
        held=held,
        close=lambda a, b: 0.5,
        pool=pool,
    )
    assert [item.hit.doc_id for item in past.shown] == [1]


@pytest.mark.parametrize(
    ("old", "new", "question", "said"),
    [
        (
            "Recoger a los niños del cole a las 16:30 entre semana",
            "Este trimestre entre semana la salida del cole es a las 14:00",
            "¿A qué hora recojo a los niños del cole?",
            "La salida del cole es a las 14:00 [1].",
        ),
        (
            "Pick up the kids from school at 16:30 on weekdays",
            "From this term on weekdays the school ends at 14:00",
            "What time do I pick up the kids from school?",
            "School ends at 14:00 [1].",
        ),
    ],
)
async def test_a_new_value_is_about_what_its_versions_are_about(
    services: Services, generator: ScriptedGenerator, old: str, new: str, question: str, said: str
) -> None:
    """The backing check asks that half of the question's subject words be in what the
    model saw. The newest version is about what the ones it replaced are about: the new
    school hours never name the children, the note they replace does."""
    services.keeping.ingestor.add_note(7, old, created_at=SEPTEMBER)
    services.keeping.ingestor.add_note(7, new, created_at=NOVEMBER)
    generator.enqueue(said)
    answer = await _ask(services, 7, question)
    assert answer.found, answer.text
    assert answer.quotes[0].text == new


async def test_a_nearby_value_is_not_shown_beside_the_current_one(
    services: Services, generator: ScriptedGenerator
) -> None:
    """The office Wi-Fi is not the mother-in-law's: beside the current value, the model is
    not shown a value that holds fewer of the question's words."""
    services.keeping.ingestor.add_note(
        7, "Пароль от вайфая у тёщи: dacha1985", created_at=SEPTEMBER
    )
    services.keeping.ingestor.add_note(
        7, "Пароль от вайфая в офисе: Kvadrat_2024", created_at=SEPTEMBER
    )
    services.keeping.ingestor.add_note(
        7, "Пароль от вайфая у тёщи теперь другой: Malina-2026", created_at=NOVEMBER
    )
    generator.enqueue("Malina-2026 [1].")
    answer = await _ask(services, 7, "Какой пароль от вайфая у тёщи?")
    assert "Malina-2026" in _shown(generator)
    assert "Kvadrat_2024" not in _shown(generator) and "dacha1985" not in _shown(generator)
    assert answer.found


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Как зовут нашего сантехника?", "сантехника"),
        ("Кто был нашим ветеринаром?", "ветеринаром"),
        ("На какое число назначена встреча выпускников?", "назначена встреча выпускников"),
        ("¿A qué hora recojo a los niños del cole?", "recojo niños cole"),
        ("¿Cuál es mi puesto en la oficina?", "puesto oficina"),
        ("What time does the pool open now?", "pool open"),
        ("What did Anna say about the flight?", "Anna flight"),
        ("我们的车位现在是几号？", "车位"),
        ("王伟说酒店在哪里？", "王伟 酒店"),
        ("谁对花生过敏？", "对花生过敏"),  # "花" (spend) and "过" are inside the subject
    ],
)
def test_a_facts_subject_leaves_the_way_of_asking_out(question: str, subject: str) -> None:
    assert fact_subject(question) == subject


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (
            "Marco of 2026-10-14 20:07: The museum is closed on Mondays.",
            "The museum is closed on Mondays.",
        ),
        (
            "Ольга: 21:04: Собрание перенесли на четверг, в 18:30.",
            "Собрание перенесли на четверг, в 18:30.",
        ),
        ("message from Anna of 2026-11-20 09:21: It lands at 18:40 [1].", "It lands at 18:40."),
        ("The meeting is at 18:30 [2].", "The meeting is at 18:30."),
        ("Ответ: 21:04", "Ответ: 21:04"),
        (
            "Lucía de 2026-10-18 19:26: He reservado el tren a Xàtiva [1].",
            "He reservado el tren a Xàtiva.",
        ),
        ("王伟 2026-10-18 19:26：早餐七点到十点。", "早餐七点到十点。"),
        ("It was moved to 2026-10-18 19:26.", "It was moved to 2026-10-18 19:26."),
        (
            "Meeting 2026-10-14 10:30: room 5, bring the contract.",
            "Meeting 2026-10-14 10:30: room 5, bring the contract.",
        ),
        ("Backup ran 2026-10-14 10:30:00 fine.", "Backup ran 2026-10-14 10:30:00 fine."),
    ],
)
def test_a_memory_lines_label_copied_into_an_answer_is_not_part_of_it(
    said: str, shown: str
) -> None:
    """When a line was written is not what it says: its label copied in front goes."""
    assert without_citations(said) == shown
