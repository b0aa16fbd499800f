"""Every kind of reply the bot renders, in Russian, Spanish and Chinese: no English label is
left in the frame the bot writes around the user's own words (headings, day names, months,
kinds, sources, counts). Fast: pure rendering, no bot."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.reminders import reminder_html, schedule_words, written_when
from knowledge.domain.model import Hit, Reminder
from knowledge.services.answers.answering import Answer
from knowledge.services.answers.document_summaries import DocumentSummary, SectionLine
from knowledge.services.answers.evidence import Evidence
from knowledge.services.answers.gathering import Amount, Found, Gathered
from knowledge.services.sending.digest import Coming, DayItem, Digest
from knowledge.services.sending.reminder_states import Due
from knowledge.services.words.planning import plan
from present.render import brief_html, digest_html, quotes_html, search_results, week_html
from present.render_gathered import gathered_pages, summary_pages
from present.texts import t

ZONE = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)
WORDS = "Ｗ"  # the user's own words: one character no label uses, taken out before the check
ENGLISH = re.compile(
    r"(?i:\b(?:note|notes|voice|photo|photos|document|documents|item|items|of|your|you|from"
    r"|memory|nothing|closest|in all|times|week|day|sections|p)\b)"
    r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)
QUESTIONS = {
    "en": ("What did I do last week?", "How much did I spend last week?"),
    "ru": ("Что я делал на прошлой неделе?", "Сколько я потратил на прошлой неделе?"),
    "es": ("¿Qué hice la semana pasada?", "¿Cuánto gasté la semana pasada?"),
    "zh": ("我上周做了什么？", "我上周一共花了多少钱？"),
}


def _item(n: int, kind: str, day: date) -> DayItem:
    at = datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(hours=8 + n)
    return DayItem(n, kind, at, WORDS, None)


def _hit(kind: str, page: int | None = None) -> Hit:
    when = datetime(2026, 11, 24, 8, 30, tzinfo=ZONE)
    return Hit(1, 0, page, None, WORDS, 1.0, f"{WORDS}.pdf", kind, when)


def _replies(language: str) -> list[str]:
    day = date(2026, 11, 24)
    items = [_item(n, kind, day) for n, kind in enumerate(("note", "voice", "photo", "document"))]
    digest = Digest(1, day, items)
    quotes = [
        Evidence(WORDS, _hit(kind, page), 1.0, language)
        for kind, page in (("note", None), ("voice", None), ("pdf", 3))
    ]
    asked, summed = (plan(q, ZONE, NOW) for q in QUESTIONS[language])
    found = [Found(item, day, 1.0) for item in items]
    euros = Amount(Decimal("85"), "EUR")
    priced = [Found(items[0], day, 1.0, euros)]
    later = Found(items[0], day + timedelta(days=2), 1.0, hour=19)  # noted before its day
    summary = DocumentSummary(1, f"{WORDS}.pdf", 12, [SectionLine(WORDS, None, WORDS)], 1, 3)
    due = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=ZONE)
    weekly = Reminder(1, 1, WORDS, due, "Europe/Madrid", "weekly:0,3", "scheduled", None, due)
    tomorrow = Coming(day + timedelta(days=1), [items[0]], [weekly])
    return [
        *digest_html(Digest(1, day, items, tomorrow), day, language),
        *brief_html(tomorrow, language),
        reminder_html(Due(weekly, late=True), language),
        t("reminder_set", language, when=schedule_words(weekly, language), task=WORDS),
        t("reminder_offer", language, when=written_when(due, language, NOW)),
        *week_html([digest], day - timedelta(days=6), day, language),
        quotes_html(Answer(WORDS, language, True, quotes)),
        quotes_html(Answer(WORDS, language, False, quotes)),
        search_results(quotes, language),
        *gathered_pages(Gathered(asked, [*found, later]), language),
        *gathered_pages(Gathered(summed, priced, [euros]), language),
        *gathered_pages(Gathered(asked, []), language),
        *summary_pages(summary, language),
    ]


@pytest.mark.parametrize("language", ["ru", "es", "zh"])
def test_no_english_label_in_any_reply(language: str) -> None:
    for reply in _replies(language):
        frame = re.sub(r"<[^>]+>", " ", reply).replace(WORDS, " ")
        frame = re.sub(r"\bEUR\b|\bPDF\b", " ", frame)
        assert ENGLISH.findall(frame) == [], (language, reply)


def test_english_replies_do_carry_those_labels() -> None:
    """The check can fail: the same replies in English are full of them."""
    joined = " ".join(re.sub(r"<[^>]+>", " ", reply) for reply in _replies("en"))
    assert {"note", "Nov", "Tue", "memory"} <= {m for m in ENGLISH.findall(joined)}
    assert t("from_memory", "en") in joined
