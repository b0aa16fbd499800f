"""The moment a kept note's reminder is offered for: the first day it names still ahead
("Dentist on December 3 at 15:00": December 3 at 14:00, the lead before; a day without an
hour at 09:00), never for a note that tells of what was done ("今天和小王去了图书馆。",
"went to the dentist today", "сегодня сходил в аптеку", "hoy fui al médico"): its "today"
is when it happened, not a plan."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from knowledge.domain.model import NamedDay
from knowledge.services.words.reminder_times import read_when
from knowledge.services.words.reminder_words import tells_done

NO_HOUR = time(9, 0)  # a note that names a day but no hour is offered at 09:00 that day


def offered_moment(
    text: str, now: datetime, named: list[NamedDay], lead: timedelta
) -> datetime | None:
    """When to offer a reminder for a note of `text` kept at `now` (aware, local) that
    names the days `named`; None: no moment ahead, or the note tells of what was done."""
    days = sorted((day for day in named if day.day >= now.date()), key=lambda d: d.day)
    if not days or tells_done(text):
        return None
    day = days[0]
    when = read_when(text, now)
    if when is not None and when.due is not None and when.due.date() == day.day:
        moment = when.due - lead
    elif day.hour is not None:
        moment = datetime.combine(day.day, time(day.hour), tzinfo=now.tzinfo) - lead
    else:
        moment = datetime.combine(day.day, NO_HOUR, tzinfo=now.tzinfo)
    return moment if moment > now else None
