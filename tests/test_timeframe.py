"""Time words in questions, in four languages, as local ranges in the user's timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.services.words.named_dates import named_days
from knowledge.services.words.timeframe import find_timeframe

# Wednesday 2026-11-25, 23:30 UTC: already Thursday in Moscow.
NOW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("question", "first", "last", "period"),
    [
        ("What did I eat yesterday?", "2026-11-25", "2026-11-25", "day"),
        ("что я записал во вторник?", "2026-11-24", "2026-11-24", "day"),
        ("¿qué hice el lunes?", "2026-11-23", "2026-11-23", "day"),
        ("我昨天吃了什么？", "2026-11-25", "2026-11-25", "day"),
        ("Что я ел сегодня на обед?", "2026-11-26", "2026-11-26", "day"),
        ("What did I do last week?", "2026-11-16", "2026-11-22", "week"),
        ("What did I note on 2026-11-20?", "2026-11-20", "2026-11-20", "day"),
        # a month of another year (an imported past), and a whole year
        ("What did I note in March 2023?", "2023-03-01", "2023-03-31", "month"),
        ("что я записал в марте 2023 года?", "2023-03-01", "2023-03-31", "month"),
        ("¿qué anoté en marzo de 2023?", "2023-03-01", "2023-03-31", "month"),
        ("我2023年3月记了什么？", "2023-03-01", "2023-03-31", "month"),
        ("What did I note in 2023?", "2023-01-01", "2023-12-31", "year"),
        ("что я записал в 2023 году?", "2023-01-01", "2023-12-31", "year"),
        ("¿qué anoté en 2024?", "2024-01-01", "2024-12-31", "year"),
        ("我2023年记了什么？", "2023-01-01", "2023-12-31", "year"),
    ],
)
def test_time_words_name_a_local_range(question: str, first: str, last: str, period: str) -> None:
    frame = find_timeframe(question, ZoneInfo("Europe/Moscow"), NOW)
    assert frame is not None
    assert (f"{frame.start:%Y-%m-%d}", frame.period) == (first, period)
    assert frame.describe().endswith(last)
    assert frame.start.utcoffset() == frame.end.utcoffset()  # Moscow keeps one offset


def test_the_range_is_the_users_local_day_in_utc() -> None:
    frame = find_timeframe("What did I eat yesterday?", MADRID, NOW)
    assert frame is not None
    # 00:30 on the 26th in Madrid (UTC+1): yesterday is the 25th, from 23:00 UTC on the 24th
    assert frame.since == datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    assert frame.until < datetime(2026, 11, 25, 23, 0, tzinfo=UTC) <= frame.end
    assert frame.without_phrase("What did I eat yesterday?") == "What did I eat ?"
    assert not frame.explicit


@pytest.mark.parametrize(
    "question",
    [
        "What is my gym locker code?",
        "May I ask where the spare key is?",
        "What is 2580?",
        "¿Cuál es el código de mi taquilla del gimnasio?",  # "mi" is not miércoles
        "¿Cuánto será el alquiler desde febrero?",  # a month alone: when it happens
        # "now" asks for the value that holds now, not for what was noted today
        "Где сейчас принимает Артём?",
        "¿Dónde corta el pelo Nuria ahora?",
        "小陈现在在哪家店理发？",
        "What is the Wi-Fi password right now?",
        # a weekday that recurs names no day
        "Who said the Fallas museum is closed on Mondays?",
        "Кто сказал, что музей закрыт по понедельникам?",
        "¿Quién dijo que el museo cierra los lunes?",
        "谁说博物馆每周一关门？",
    ],
)
def test_no_time_words_or_none_that_name_the_past(question: str) -> None:
    assert find_timeframe(question, MADRID, NOW) is None


@pytest.mark.parametrize(
    ("question", "day", "forward"),
    [
        ("When is the dentist appointment next Thursday?", "2026-12-03", True),
        ("¿Qué tengo el sábado?", "2026-11-28", True),  # asked on Thursday: the coming one
        ("What did I do on Saturday?", "2026-11-21", False),
        ("我这周四上午见了谁", "2026-11-26", False),
    ],
)
def test_a_question_about_what_is_coming_looks_forward(
    question: str, day: str, forward: bool
) -> None:
    frame = find_timeframe(question, MADRID, NOW)  # Thursday 00:30 in Madrid
    assert frame is not None
    assert (f"{frame.start:%Y-%m-%d}", frame.forward) == (day, forward)


@pytest.mark.parametrize(
    ("question", "first", "last", "hours"),
    [
        ("what did I do last weekend", "2026-11-21", "2026-11-22", None),
        ("что я делал на этой неделе", "2026-11-23", "2026-11-29", None),
        ("¿qué hice la semana pasada?", "2026-11-16", "2026-11-22", None),
        ("我这周见了谁", "2026-11-23", "2026-11-29", None),
        ("¿qué hice ayer por la tarde?", "2026-11-25", "2026-11-25", (12, 18)),
        ("Что я делал вчера вечером?", "2026-11-25", "2026-11-25", (18, 24)),
        ("昨天晚上我吃了什么", "2026-11-25", "2026-11-25", (18, 24)),
    ],
)
def test_weeks_weekends_and_parts_of_the_day(
    question: str, first: str, last: str, hours: tuple[int, int] | None
) -> None:
    frame = find_timeframe(question, MADRID, NOW)
    assert frame is not None
    assert (f"{frame.days[0]}", f"{frame.days[-1]}", frame.hours) == (first, last, hours)


def test_blank_phrases_are_not_dates() -> None:
    from knowledge.services.words.timeframe import too_eager

    assert too_eager(" \n ")


@pytest.mark.parametrize(
    ("text", "zone", "days"),
    [
        ("Записался к стоматологу на 4 декабря в 15:00", "Europe/Moscow", [(12, 4, 15)]),
        ("Dentist appointment booked for December 4 at 15:00", "UTC", [(12, 4, 15)]),
        ("Cita con el dentista el 4 de diciembre a las 15:00", "Europe/Madrid", [(12, 4, 15)]),
        ("12月4日下午3点看牙医", "Asia/Shanghai", [(12, 4, 15)]),
        ("明天下午3点看牙医", "Asia/Shanghai", [(12, 3, 15)]),
        ("后天去北京", "Asia/Shanghai", [(12, 4, None)]),
        ("昨天和小王去了图书馆", "Asia/Shanghai", [(12, 1, None)]),
        ("10月1日去了北京", "Asia/Shanghai", [(10, 1, None)]),  # told later: this year's
        ("1月5日要去北京", "Asia/Shanghai", [(1, 5, None)]),  # ahead: next year's
        ("mañana a las 9 dentista", "Europe/Madrid", [(12, 3, 9)]),
        ("Carrera de la mañana, 5 km", "Europe/Madrid", []),  # the morning, not tomorrow
        ("Обед: борщ", "Europe/Moscow", []),
    ],
)
def test_the_days_a_note_names(
    text: str, zone: str, days: list[tuple[int, int, int | None]]
) -> None:
    written = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo(zone))  # a Wednesday
    named = named_days(text, written)
    assert [(d.day.month, d.day.day, d.hour) for d in named] == days
    assert all(d.day.year == (2027 if d.day.month == 1 else 2026) for d in named)


def test_a_chinese_weekday_with_its_week_names_that_week() -> None:
    monday = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert [d.day.day for d in named_days("下周二看牙医", monday)] == [8]  # not tomorrow
    assert [d.day.day for d in named_days("这周五交报告", monday)] == [4]
