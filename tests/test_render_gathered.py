"""Gathered lists in Telegram HTML: a heading in the question's language, days in order,
long days folded, pages of PAGE_ITEMS behind a "more" button, everything escaped."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.pages import Pages, more_button
from knowledge.services.answers.document_summaries import DocumentSummary, SectionLine
from knowledge.services.answers.gathering import PAGE_ITEMS, Amount, Found, Gathered
from knowledge.services.sending.digest import DayItem, Digest
from knowledge.services.words.planning import plan
from present.render import LIMIT, week_html
from present.render_gathered import gathered_pages, summary_pages

ZONE = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)


def _found(n: int, day: date, text: str) -> Found:
    at = datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(hours=8, minutes=n)
    return Found(DayItem(n, "note", at, text, None), day, 1.0)


def test_a_long_list_is_paged_and_nothing_is_cut() -> None:
    question = plan("What did I do last week?", ZONE, NOW)
    days = [date(2026, 11, 23) + timedelta(days=n % 7) for n in range(40)]
    found = sorted(
        (_found(n, day, f"item <{n}> & more") for n, day in enumerate(days)), key=lambda f: f.order
    )
    pages = gathered_pages(Gathered(question, found), "ru")
    assert len(pages) == 3 and all(len(page) <= LIMIT for page in pages)
    joined = "\n".join(pages)
    assert all(f"item &lt;{n}&gt; &amp; more" in joined for n in range(40))
    assert pages[0].startswith("<b>🗓 23 ноя 2026 – 29 ноя 2026: 40 записей</b>")
    assert "<b>пн 23 ноя 2026</b>" in pages[0]
    kept = Pages()
    token = kept.keep(7, pages)
    button = more_button(kept, 7, token, 1, "en")
    assert button is not None
    [[more]] = button.inline_keyboard
    assert more.text == "More (2)" and more.callback_data == f"more:{token}:1"
    assert kept.get(7, token, 2) == pages[2] and more_button(kept, 7, token, 3, "en") is None


def test_a_sum_shows_each_amount_and_the_total_and_an_empty_list_says_so() -> None:
    question = plan("How much did I pay the plumber and for electricity last week?", ZONE, NOW)
    bills = [
        Found(
            _found(1, date(2026, 11, 24), "Paid the plumber 85 euros").item,
            date(2026, 11, 24),
            1.0,
            Amount(Decimal("85"), "EUR"),
        ),
    ]
    [page] = gathered_pages(Gathered(question, bills, [bills[0].amount]), "en")  # type: ignore[list-item]
    assert "In all: 85 EUR" in page and "— <b>85 EUR</b>" in page
    nothing = plan("¿Qué comí el martes?", ZONE, NOW)
    [empty] = gathered_pages(Gathered(nothing, []), "es")
    assert "24 nov 2026" in empty


def test_a_partial_summary_says_how_far_it_is() -> None:
    summary = DocumentSummary(1, "boat.md", 3, [SectionLine("Engine", 1, "Start in neutral")], 1, 4)
    [page] = summary_pages(summary, "en")
    assert "1 of 4 sections" in page and "<b>Engine</b>: Start in neutral" in page
    assert "No document" in summary_pages(None, "en")[0]


def test_a_week_folds_long_days() -> None:
    day = date(2026, 11, 24)
    items = [_found(n, day, f"note {n}").item for n in range(8)]
    [page] = week_html([Digest(1, day, items)], day - timedelta(days=6), day, "en")
    assert "Your week, Nov 18, 2026 – Nov 24, 2026" in page
    assert "<b>Tue Nov 24, 2026</b>" in page and "<blockquote expandable>" in page
    assert PAGE_ITEMS == 15
