"""Telegram rendering and message routing, without Telegram."""

from __future__ import annotations

from html import escape

from bot.render import LIMIT, split_text
from knowledge.intent import is_question


def test_split_keeps_every_character_and_fits_after_escaping() -> None:
    text = ("<b>&amp; tag soup & more</b> " * 400) + "end"
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(escape(part)) <= LIMIT for part in parts)
    assert "".join(p.replace(" ", "") for p in parts) == text.replace(" ", "")


def test_short_text_is_one_part() -> None:
    assert split_text("hello") == ["hello"]


def test_questions_and_statements_in_four_languages() -> None:
    questions = [
        "Where is the spare key?",
        "what voltage does the manual recommend",
        "Где запасной ключ?",
        "Когда день рождения сестры",
        "¿Dónde está la llave?",
        "Cuándo es la cita con el dentista",
        "钥匙在哪里？",
        "手册推荐什么电压",
    ]
    statements = [
        "The spare key is under the pot.",
        "Купил хлеб и молоко.",
        "La cita es el jueves a las nueve.",
        "钥匙在花盆下面。",
        "",
    ]
    assert all(is_question(q) for q in questions)
    assert not any(is_question(s) for s in statements)
