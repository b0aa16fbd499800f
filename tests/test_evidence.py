"""Evidence sentences: splitting in four languages, scoring, neighbours that carry the
subject, the budget, and which sentences back an answer (real embedders, no chat model)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge.adapters.embedding import Bm25Encoder
from knowledge.domain.model import Hit
from knowledge.domain.ports import Embedder
from knowledge.services.answers.evidence import Evidence, EvidencePicker, fit, sentences
from knowledge.services.words.language import written_in
from knowledge.services.words.number_words import spelled_numbers


def _hit(text: str, doc: int = 1, kind: str = "note") -> Hit:
    return Hit(doc, 0, None, None, text, 0.0, f"doc{doc}", kind, datetime(2026, 11, 20, tzinfo=UTC))


@pytest.fixture(scope="module")
def picker(multilingual_embedder: Embedder) -> EvidencePicker:
    return EvidencePicker(embedder=multilingual_embedder, sparse=Bm25Encoder())


def test_sentences_in_four_languages_and_lines() -> None:
    assert sentences("Dr. Okafor moved it. It is on Thursday!\nBring the card", "en") == [
        "Dr. Okafor moved it.",
        "It is on Thursday!",
        "Bring the card",
    ]
    assert sentences("Сырники: 400 г творога. Жарить 3 минуты.", "ru") == [
        "Сырники: 400 г творога.",
        "Жарить 3 минуты.",
    ]
    assert sentences("护照号码是 E83920471。女儿的钢琴老师姓王。", "zh") == [
        "护照号码是 E83920471。",
        "女儿的钢琴老师姓王。",
    ]
    assert len(sentences("uno, dos, tres " * 200, "es")) > 1  # a run-on line is cut


def test_the_answering_sentence_comes_first_with_its_subject(picker: EvidencePicker) -> None:
    hits = [
        _hit("We rent a cabin by the lake. Its wifi password is bluebird-4471. We go in July."),
        _hit("The gym locker code is 2580.", doc=2),
    ]
    found = picker.pick("What is the wifi password at the cabin?", hits)
    assert found[0].text == "We rent a cabin by the lake. Its wifi password is bluebird-4471."
    assert found[0].coverage == 1.0 and found[0].hit.doc_id == 1
    assert all("2580" not in item.text for item in found[:1])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Какой код домофона у мамы?", "37К1842"),
        ("¿A qué hora sale el vuelo a Lima?", "23:55"),
        ("护照号码是多少？", "E83920471"),
        ("What is my passport number?", "E83920471"),  # across languages: by meaning
    ],
)
def test_best_sentence_in_every_language(
    picker: EvidencePicker, question: str, expected: str
) -> None:
    hits = [
        _hit("Код домофона у мамы: 37К1842. Мама живёт на пятом этаже.", doc=1),
        _hit("Vuelo a Lima el 18 de enero. Sale a las 23:55 desde la T4.", doc=2),
        _hit("护照号码是 E83920471。2031年到期。", doc=3),
    ]
    assert expected in picker.pick(question, hits)[0].text


def test_weak_sentences_stay_out_and_search_keeps_every_hit(picker: EvidencePicker) -> None:
    filler = " ".join(f"This page describes cleaning step {n} in detail." for n in range(6))
    other = "The warranty covers two years. Keep the receipt."
    hits = [_hit(f"{filler} The supply voltage is 24 volts DC."), _hit(other, doc=2)]
    found = picker.pick("What supply voltage is recommended?", hits)
    assert found[0].text == "The supply voltage is 24 volts DC."
    assert all(item.score >= found[0].score / 2 for item in found)
    per_hit = picker.best_per_hit("What supply voltage is recommended?", hits)
    assert [item.hit.doc_id for item in per_hit] == [1, 2]


def test_fit_keeps_the_best_within_the_budget() -> None:
    items = [Evidence(f"fact {n} " * 20, _hit("x"), 1.0 - n / 10, "en") for n in range(5)]
    words = len
    kept = fit(items, 100, lambda text: words(text.split()))
    assert kept == items[:2]
    first = fit(items, 10, lambda text: words(text.split()))
    assert len(first) == 1 and len(first[0].text) < len(items[0].text)


@pytest.mark.parametrize(
    ("answer", "backed"),
    [
        ("The wifi password is bluebird-4471.", True),
        ("bluebird-4471", True),
        ("Пароль от wifi: bluebird-4471.", True),  # another language: meaning and numbers
        ("The wifi password is bluebird-9999.", False),  # a number memory does not hold
        ("Your car is red.", False),
        ("What is the wifi password at the cabin?", False),  # the question echoed back
    ],
)
def test_backing_needs_what_the_answer_adds(
    picker: EvidencePicker, answer: str, backed: bool
) -> None:
    question = "What is the wifi password at the cabin?"
    evidence = picker.pick(question, [_hit("Cabin wifi password: bluebird-4471")])
    assert bool(picker.backing(answer, question, evidence)) is backed


def test_written_in_judges_scripts_and_long_latin_answers() -> None:
    assert written_in("Кабинет 214", "ru") and written_in("400 г", "ru")
    assert written_in("bluebird-4471", "ru") and written_in("Password: x-1", "zh")  # codes
    assert not written_in("The passport number is E83920471.", "ru")
    assert written_in("每月还款：6800元", "zh") and not written_in("The code is x-1", "zh")
    assert not written_in("饺子", "en")  # Chinese words are not a code
    assert written_in("1 kg", "es") and written_in("KL-482-ZT", "en")
    assert not written_in("The flight leaves at 23:55 from T4.", "es")
    assert not written_in("Пароль от wifi", "en")
    # A value is in no language: judged by the words around it.
    assert written_in("Ваша почта: a.ivanov@yandex.ru", "ru")
    assert written_in("Пароль от вайфая: Kvadrat_2024", "ru")
    assert not written_in("Your new mail is a.ivanov@yandex.ru now", "ru")
    assert not written_in("17 November", "ru") and not written_in("14 October, 16:20", "es")
    assert written_in("17 November", "en") and written_in("17 ноября", "ru")


def test_numbers_spelled_out_are_held() -> None:
    assert spelled_numbers("我妈妈下个月来西班牙看我，住两个星期。") == {"2"}
    assert spelled_numbers("我帮大家换了三百欧元的现金。") == {"300"}
    assert "12" in spelled_numbers("租自行车一天十二欧元。")
    assert spelled_numbers("两万五千") == {"25000"}
    assert spelled_numbers("Мы будем там две недели") == {"2"}
    assert spelled_numbers("Son doce euros al día") == {"12"}
    assert spelled_numbers("A car and a few friends") == set()  # articles, not numbers


def test_an_answer_in_digits_is_backed_by_a_number_in_words(picker: EvidencePicker) -> None:
    question = "王伟的妈妈来西班牙要住多久？"
    evidence = picker.pick(question, [_hit("王伟: 我妈妈下个月来西班牙看我，住两个星期。")])
    assert picker.backing("2星期", question, evidence)
    assert not picker.backing("3星期", question, evidence)
