"""Answers that gather: every item of a time or a subject, in time order and in its own
words, built in code like the digest, so nothing is left out and nothing is invented.

- TIME: the items written in the range or naming a day in it (services/words/named_dates.py);
  one written then about another day ("dinner on Saturday", noted on Wednesday) belongs to
  the day it names. A subject in the question ("what did I eat") keeps the items about it;
  when a day (or part of one) holds items and none is about the subject, all of them are
  shown, marked `unmatched` ("nothing says exactly; here is what you noted then"), never
  "nothing"; so are a day's items for a fact question about it that found no answer
  (`of_day`). A day that holds no item is "nothing", honestly.
- SUBJECT: the items about the subject in all of memory (or in the range asked).
- COUNT: those items, counted; SUM: the amounts they name, added up per currency. Both are
  of the person's own doings: one about another's words ("How much did Olga pay?") comes
  back `theirs`, for the answering path to read from her messages.

Relevance is one score per item (the question's meaning against the item's, plus the
share of the subject's words it holds), cut at a level calibrated on bench/gathering.py's
diaries in four languages; the same cut serves every language, so a Chinese note is
found for an English question.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date
from decimal import Decimal
from zoneinfo import ZoneInfo

from knowledge.domain.model import NamedDay
from knowledge.domain.ports import Embedder
from knowledge.domain.repositories import Storage
from knowledge.services.answers.amounts import Amount as Amount  # re-exported: gathered sums
from knowledge.services.answers.amounts import amount_in as amount_in
from knowledge.services.answers.evidence import cosine
from knowledge.services.answers.retrieval import Retriever
from knowledge.services.sending.digest import DayItem, day_item
from knowledge.services.words.language import guess_language
from knowledge.services.words.planning import Kind, Plan
from knowledge.services.words.speakers import answers_for, whose  # another's words
from knowledge.services.words.timeframe import TimeFrame
from knowledge.services.words.topics import MEALS, RECIPES, Topic, meal_of, topic_of

log = logging.getLogger(__name__)

RELEVANCE_CUT = 0.30  # calibrated: bench/gathering.py (docs/BENCHMARKS.md)
RELATIVE_CUT = 0.7  # and at least this share of the best item's score (a sweep: BENCHMARKS)
OTHER_LANGUAGE_SHARE = 0.6  # of the cut, for items in another language than the question
CLEAR_MATCH = 0.60  # an item this close in meaning belongs to the topic without its words
LEXICAL_WEIGHT = 0.35
SUBJECT_CANDIDATES = 80  # chunks retrieved for a roundup without a time
PAGE_ITEMS = 15  # items per page in Telegram; the CLI prints all with --all


@dataclass(frozen=True)
class Found:
    """One gathered item: what the digest shows, the day it is about, its amount."""

    item: DayItem
    day: date
    score: float
    amount: Amount | None = None
    part: str = ""  # for a sum: which of its subjects the item is about
    hour: int | None = None  # the hour it names, for an item about another day than written

    @property
    def line(self) -> str:
        return self.item.line

    @property
    def clock(self) -> str | None:
        """When it happens that day, "HH:MM": written then, or the hour its words name; None
        for an item about another day that names no hour."""
        if self.item.at.date() == self.day:
            return f"{self.item.at:%H:%M}"
        return f"{self.hour:02d}:00" if self.hour is not None else None

    @property
    def noted_on(self) -> date | None:
        """The day it was written, when that is not the day it is about."""
        written = self.item.at.date()
        return written if written != self.day else None

    @property
    def order(self) -> tuple[date, int, int]:
        """In time order by when it happens: the hour named, else the time written."""
        if self.item.at.date() == self.day:
            minutes = self.item.at.hour * 60 + self.item.at.minute
        else:
            minutes = (self.hour if self.hour is not None else 12) * 60
        return self.day, minutes, self.item.doc_id


@dataclass(frozen=True)
class Gathered:
    """Everything memory holds for a gathering question, in time order."""

    plan: Plan
    found: list[Found]
    totals: list[Amount] = field(default_factory=list)  # a sum's, per currency
    unmatched: bool = False  # none of the day's items is about what was asked: all shown
    theirs: str = ""  # a count or sum about another's words ("How much did Olga pay?"): a fact

    @property
    def count(self) -> int:
        return len(self.found)

    def by_day(self) -> list[tuple[date, list[Found]]]:
        days: dict[date, list[Found]] = {}
        for item in self.found:
            days.setdefault(item.day, []).append(item)
        return sorted(days.items())

    def plain(self, limit: int | None = None) -> str:
        """The list as plain text, day by day (the CLI); `limit` items at most."""
        lines: list[str] = []
        shown = 0
        for day, items in self.by_day():
            lines.append(f"{day:%Y-%m-%d %a}")
            for found in items:
                if limit is not None and shown >= limit:
                    lines.append(f"… {self.count - shown} more (--all shows them)")
                    return "\n".join(lines)
                amount = f" [{found.amount}]" if found.amount else ""
                noted = f" (noted {found.noted_on:%m-%d})" if found.noted_on else ""
                at = found.clock or "--:--"
                lines.append(f"  {at} {found.item.kind}: {found.line}{amount}{noted}")
                shown += 1
        return "\n".join(lines)


class Gatherer:
    def __init__(
        self,
        *,
        storage: Storage,
        retriever: Retriever,
        embedder: Embedder,
        terms: Callable[[str, str | None], set[object]],
        zone_of: Callable[[int], ZoneInfo],
        cut: float = RELEVANCE_CUT,
    ) -> None:
        self._storage = storage
        self._retriever = retriever
        self._embedder = embedder
        self._terms = terms
        self._zone_of = zone_of
        self._cut = cut

    def gather(self, user_id: int, plan: Plan) -> Gathered:
        zone = self._zone_of(user_id)
        if plan.frame is not None:
            candidates = self._of_time(user_id, plan.frame, zone, by_writing=plan.written)
        else:
            candidates = self._of_subject(user_id, plan.subject or plan.question, zone)
        speakers = (c[0].said_by for c in candidates)
        if plan.kind in (Kind.COUNT, Kind.SUM) and (who := whose(plan.question, speakers)):
            return Gathered(plan, [], theirs=who)  # not the person's own doings
        candidates = [c for c in candidates if answers_for(plan.question, c[0].said_by)]
        if plan.kind == Kind.SUM and plan.parts:
            found = self._per_part(plan, candidates)
        elif plan.kind == Kind.TIME and not plan.subject:
            found = _every(candidates)
        else:
            found = self._relevant(_query(plan), plan, candidates)
            if not found and candidates and plan.kind == Kind.TIME and names_a_day(plan):
                return _unmatched(plan, candidates)  # a day that holds items is never "nothing"
        if plan.kind == Kind.SUM:
            found = [replace(f, amount=amount_in(f.item.text)) for f in found]
        found.sort(key=lambda f: f.order)
        return Gathered(plan, found, _totals(found) if plan.kind == Kind.SUM else [])

    def of_day(self, user_id: int, plan: Plan) -> Gathered | None:
        """Every item of the day (or part of a day) a question names, `unmatched`, for a
        question the answering path found no answer to ("我今天去哪儿了？"); None when the
        question names no single day, or that day holds nothing (the refusal stands)."""
        if plan.frame is None or not names_a_day(plan):
            return None
        candidates = self._of_time(user_id, plan.frame, self._zone_of(user_id))
        candidates = [c for c in candidates if answers_for(plan.question, c[0].said_by)]
        return _unmatched(replace(plan, kind=Kind.TIME), candidates) if candidates else None

    # Candidates ---------------------------------------------------------------------------

    def _of_time(
        self, user_id: int, frame: TimeFrame, zone: ZoneInfo, *, by_writing: bool = False
    ) -> list[tuple[DayItem, NamedDay]]:
        """Items written in the range that name no other day, and items naming a day in it;
        `by_writing` ("what did I note yesterday?"): the items written in the range."""
        days = frame.days
        with self._storage.read() as uow:
            written = uow.documents.ready_between(user_id, frame.since, frame.end.astimezone(UTC))
            naming = uow.named_days.naming(user_id, days[0], days[-1])
            named_of_written = uow.named_days.of_documents(user_id, [d.id for d in written])
            extra = [doc for doc_id in naming if (doc := uow.documents.get(user_id, doc_id))]
            docs = {doc.id: doc for doc in [*written, *extra]}
            items = {doc_id: day_item(uow, doc, zone) for doc_id, doc in docs.items()}
        if by_writing:
            return [
                (item, NamedDay(item.at.date()))
                for item in items.values()
                if frame.start <= item.at < frame.end
            ]
        chosen = []
        for doc_id, item in items.items():
            day = _day_about(item, frame, named_of_written.get(doc_id) or naming.get(doc_id))
            if day is not None:
                chosen.append((item, day))
        return chosen

    def _of_subject(
        self, user_id: int, subject: str, zone: ZoneInfo
    ) -> list[tuple[DayItem, NamedDay]]:
        hits = self._retriever.search(user_id, subject, k=SUBJECT_CANDIDATES)
        wanted = list(dict.fromkeys(hit.doc_id for hit in hits))
        with self._storage.read() as uow:
            docs = [doc for doc_id in wanted if (doc := uow.documents.get(user_id, doc_id))]
            items = [day_item(uow, doc, zone) for doc in docs]
        return [(item, NamedDay(item.at.date())) for item in items]

    # Relevance ----------------------------------------------------------------------------

    def _relevant(
        self, query: str, plan: Plan, candidates: Sequence[tuple[DayItem, NamedDay]]
    ) -> list[Found]:
        scored = self._scored(query, plan.subject, candidates)
        if not scored:
            return []
        topic = topic_of(plan.subject)
        if topic is not None:  # a common topic: its markers, or a meaning beyond doubt
            kept = [
                f
                for f in scored
                if topic.marks.search(_searchable(f.item)) or f.score >= CLEAR_MATCH
            ]
            meal = meal_of(plan.subject) if topic.name == "meals" else None
            return [f for f in kept if _is_meal(f.item, meal)] if meal else kept
        return _above_floors(scored, plan.language, self._cut)

    def _scored(
        self, query: str, subject: str, candidates: Sequence[tuple[DayItem, NamedDay]]
    ) -> list[Found]:
        if not candidates:
            return []
        question = self._embedder.embed_query(query)
        vectors = self._embedder.embed_batch([_searchable(item) for item, _ in candidates])
        wanted = self._terms(subject, None) if subject else set()
        found = []
        for (item, day), vector in zip(candidates, vectors, strict=True):
            lexical = (
                len(wanted & self._terms(_searchable(item), None)) / len(wanted) if wanted else 0.0
            )
            score = cosine(question, vector) + LEXICAL_WEIGHT * lexical
            found.append(Found(item, day.day, score, hour=day.hour))
        return found

    def _per_part(self, plan: Plan, candidates: Sequence[tuple[DayItem, NamedDay]]) -> list[Found]:
        """For "the plumber and electricity": each item goes to the part it is most about;
        each part keeps its relevant ones."""
        chosen: dict[int, Found] = {}
        for part in plan.parts:
            for found in self._relevant(part, replace(plan, subject=part), candidates):
                kept = chosen.get(found.item.doc_id)
                if kept is None or found.score > kept.score:
                    chosen[found.item.doc_id] = replace(found, part=part)
        return list(chosen.values())


def names_a_day(plan: Plan) -> bool:
    """Does the question ask about one day, or a part of one ("on Thursday morning")?"""
    return plan.frame is not None and plan.frame.period == "day" and not plan.written


def _every(candidates: Sequence[tuple[DayItem, NamedDay]]) -> list[Found]:
    return [Found(item, day.day, 1.0, hour=day.hour) for item, day in candidates]


def _unmatched(plan: Plan, candidates: Sequence[tuple[DayItem, NamedDay]]) -> Gathered:
    """Every item of the time, said to be that and not an answer."""
    return Gathered(plan, sorted(_every(candidates), key=lambda f: f.order), unmatched=True)


_MEAL_HOURS = {"breakfast": (4, 11), "lunch": (11, 17), "dinner": (17, 24)}


def _is_meal(item: DayItem, meal: re.Pattern[str]) -> bool:
    """An item about that meal: it names it, or names no meal and was written at its hours
    (a plan that names a day keeps its own words: "Dinner at grandma's on Saturday")."""
    text = _searchable(item)
    if meal.search(text):
        return True
    if any(other.search(text) for other in MEALS.values()):
        return False
    start, end = next(hours for name, hours in _MEAL_HOURS.items() if MEALS[name] is meal)
    return start <= item.at.hour < end


def _above_floors(scored: list[Found], language: str, cut: float) -> list[Found]:
    """Items over the cut and near the best of their own kind: those in the question's
    language (which also score by shared words) against each other, those in other
    languages (which score by meaning alone, lower) against each other."""
    same = [f for f in scored if guess_language(_searchable(f.item)) == language]
    other = [f for f in scored if f not in same]
    kept = []
    for group, floor in ((same, cut), (other, cut * OTHER_LANGUAGE_SHARE)):
        if group:
            best = max(found.score for found in group)
            kept += [f for f in group if f.score >= max(floor, best * RELATIVE_CUT)]
    return kept


def _marked(topic: Topic, item: DayItem) -> bool:
    text = _searchable(item)
    if topic.name == "meals" and RECIPES.marks.search(text):
        return False  # a recipe kept is not a meal eaten
    return bool(topic.marks.search(text))


def _query(plan: Plan) -> str:
    """What the items are compared with: the question without its time words."""
    return plan.frame.without_phrase(plan.question) if plan.frame else plan.question


def _searchable(item: DayItem) -> str:
    return item.text or item.line


def _day_about(item: DayItem, frame: TimeFrame, named: list[NamedDay] | None) -> NamedDay | None:
    """The day in the range the item is about, or None when it is about none of them."""
    days = set(frame.days)
    named_here = [n for n in named or [] if n.day in days]
    hours = frame.hours
    if named_here:
        for day in named_here:
            if hours is None or day.hour is None or hours[0] <= day.hour < hours[1]:
                return day
        return None
    if named:  # written in the range, but about other days only
        return None
    at = item.at
    if not frame.start <= at < frame.end:
        return None
    return NamedDay(at.date())


def _totals(found: Sequence[Found]) -> list[Amount]:
    totals: dict[str, Decimal] = {}
    for item in found:
        if item.amount is not None:
            totals[item.amount.currency] = (
                totals.get(item.amount.currency, Decimal(0)) + item.amount.value
            )
    return [Amount(value, currency) for currency, value in totals.items()]
