"""Answer a question from the asker's memory: find evidence, decide, prompt, stream, check.

1. Time words ("yesterday", "во вторник") restrict the search to that local range: items
   written then, and items that name one of its days (services/words/named_dates.py).
2. Chunks are retrieved as for search; their best sentences become the evidence.
3. When even the best evidence scores under the calibrated threshold, memory does not hold
   the answer: "not in your memory" in the question's language, with the nearest things
   found, at once and without the model.
4. Otherwise the model sees only the evidence that fits the budget. An answer in another
   language than the question's is asked for again, once, insisting on the language.
5. The answer is checked against the evidence: one that no evidence sentence backs, or a
   refusal, is not shown as a fact but as "not in your memory" with the nearest evidence;
   so is one whose backing is about something else than the question asks ("my bank
   account number" backed by "the landlord's phone number").
6. A value noted more than once in time (answers/versions.py): the model sees only the
   newest for "what is ...", only the earlier ones for "what was ... before", and the
   answer says since (or until) when; "when did I change ..." is answered from the notes'
   dates, without the model. A note its owner marked outdated is never the current value.
   An answer to "when" keeps the day its evidence names ("16:00" → "16:00 (в пятницу)").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from knowledge.domain.model import GenerationParams, Hit
from knowledge.domain.ports import Generator
from knowledge.domain.repositories import Storage
from knowledge.services.answers import who
from knowledge.services.answers.asking_again import again
from knowledge.services.answers.evidence import RELATIVE_FLOOR, Evidence, EvidencePicker
from knowledge.services.answers.moments import (
    changed_on,
    dates_in,
    with_day,
    with_moment,
    written_frame,
)
from knowledge.services.answers.prompting import (
    NOT_IN_MEMORY,
    NOT_IN_MEMORY_ON,
    Prompt,
    build_prompt,
    is_refusal,
    preamble,
    without_citations,
)
from knowledge.services.answers.retrieval import Retriever
from knowledge.services.answers.values import whole_values
from knowledge.services.answers.versions import Asks, Timeline, timeline, without_past_words
from knowledge.services.llm.llm_worker import LlmWorker
from knowledge.services.words.calendar_words import WEEKDAY, same_weekday
from knowledge.services.words.fact_subject import fact_subject
from knowledge.services.words.language import guess_language
from knowledge.services.words.speakers import about_oneself, names, said_by, speakers_of
from knowledge.services.words.timeframe import TimeFrame, find_timeframe

log = logging.getLogger(__name__)
NEAREST_SHOWN = 2
# Where a later version of the asked value is still looked for, relative to the best
# evidence: a note that changes a value often shares fewer of the question's words
# ("Me han cambiado de puesto, ahora estoy en el 4D-19" for "mi puesto en la oficina").
VERSION_FLOOR = 0.3


@dataclass(frozen=True)
class Answer:
    """What the user is shown: the answer, and the lines of their memory under it.

    `found` False means memory does not hold the answer; `quotes` are then the nearest
    things found, not backing. `model_text` keeps what the model wrote when it was not shown.
    """

    text: str
    language: str
    found: bool
    quotes: list[Evidence] = field(default_factory=list)
    timeframe: TimeFrame | None = None
    model_text: str | None = None
    prompt_tokens: int = 0  # what the question added beyond the cached preamble


@dataclass(frozen=True)
class Findings:
    """What memory holds for a question, before any model runs."""

    question: str
    language: str
    hits: list[Hit]
    evidence: list[Evidence]
    timeframe: TimeFrame | None
    history: Timeline | None = None  # the asked value's versions in time, if any
    pool: list[Evidence] = field(default_factory=list)  # weaker evidence, for versions

    @property
    def shown(self) -> list[Evidence]:
        """What the model is shown: the evidence less what the timeline sets aside."""
        return self.history.shown if self.history is not None else self.evidence

    @property
    def best(self) -> float:
        return self.evidence[0].score if self.evidence else 0.0


class Answerer:
    def __init__(
        self,
        *,
        retriever: Retriever,
        picker: EvidencePicker,
        worker: LlmWorker,
        params: GenerationParams,
        chunks: int,
        evidence_tokens: int,
        thresholds: tuple[float, float],
        zone_of: Callable[[int], ZoneInfo],
        storage: Storage,
    ) -> None:
        self._storage = storage
        self._retriever = retriever
        self._picker = picker
        self._worker = worker
        self._params = params
        self._chunks = chunks
        self._evidence_tokens = evidence_tokens
        self._thresholds = thresholds
        self._zone_of = zone_of

    async def prime(self) -> None:
        """Load the model and the preamble's evaluated state (from disk when kept)."""
        messages = preamble()
        await self._worker.run(lambda model: model.prime(messages))

    def find(self, user_id: int, question: str) -> Findings:
        """Evidence for the question from the user's memory, restricted to the time it names
        (`_found`), with the versions in time of the value it asks for."""
        found = self._found(user_id, question)
        frame = found.timeframe
        asked = frame.without_phrase(question) if frame else question
        subject = fact_subject(without_past_words(asked))
        history = timeline(
            asked,
            found.evidence,
            held=self._picker.subject_held(subject, found.language),
            close=self._picker.closeness(),
            pool=found.pool,
        )
        return replace(found, history=history)

    def _found(self, user_id: int, question: str) -> Findings:
        """Evidence for the question from the user's memory, restricted to the time it names:
        items written then, and items that name a day of it ("dinner on Saturday", noted on
        Wednesday, for "when is the dinner on Saturday?")."""
        language = guess_language(question)
        frame = find_timeframe(question, self._zone_of(user_id))
        if frame is not None and frame.explicit and frame.period in ("month", "year"):
            frame = None  # "the world cup in 1998": when it happened, not when it was noted
        if frame is None:
            hits = self._retriever.search(user_id, question, k=self._chunks)
            evidence, pool = self._pick(question, hits)
            return Findings(question, language, hits, evidence, None, pool=pool)
        scoped = frame.without_phrase(question)
        hits = self._retriever.search(
            user_id, scoped, k=self._chunks, since=frame.since, until=frame.until
        )
        hits = _merged(self._naming_hits(user_id, scoped, frame), hits)[: self._chunks]
        if not hits and frame.forward:
            # Nothing is written in the future, and nothing names that day: the words were
            # not a time to look in ("后天条件", an acquired condition), so all of memory.
            hits = self._retriever.search(user_id, question, k=self._chunks)
            evidence, pool = self._pick(question, hits)
            return Findings(question, language, hits, evidence, None, pool=pool)
        evidence, pool = self._pick(scoped, hits)
        elsewhere = self._their_words(user_id, question, language, frame, evidence)
        return elsewhere or Findings(question, language, hits, evidence, frame, pool=pool)

    def _their_words(
        self, user_id: int, question: str, language: str, frame: TimeFrame, scoped: list[Evidence]
    ) -> Findings | None:
        """A day in a question about what someone said is a day of their words' own time
        ("¿Dónde reservó Lucía mesa para el sábado?": the Saturday of her message, weeks
        ago), not one to look in: when the question names a weekday or a date (not
        "yesterday": then it is when it was said) that holds nothing at all, and names
        someone whose words memory holds, or asks who did it and someone's message names
        that weekday ("谁订了周六晚上的海鲜饭餐厅？" over 王伟's "我订了周六晚上七点的海鲜饭餐厅"),
        all of memory is searched."""
        if scoped or not (frame.explicit or WEEKDAY.search(frame.phrase)):
            return None  # the day holds something, or "yesterday": a time to look in
        hits = self._retriever.search(user_id, question, k=self._chunks)
        evidence, pool = self._pick(question, hits)
        speakers = speakers_of(item.hit for item in evidence)
        that_day = [
            item for item in evidence if said_by(item.hit) and same_weekday(frame.phrase, item.text)
        ]
        asks_who = that_day and who.ASKS_WHO.search(question) and not about_oneself(question)
        if not asks_who and not any(names(question, speaker) for speaker in speakers):
            return None
        return Findings(question, language, hits, evidence, None, pool=pool)

    def _pick(self, query: str, hits: list[Hit]) -> tuple[list[Evidence], list[Evidence]]:
        """The evidence for a query, and the weaker evidence under it where a later version
        of the asked value may rank (down to `VERSION_FLOOR` of the best)."""
        wide = self._picker.pick(query, hits, relative_floor=VERSION_FLOOR) if hits else []
        floor = wide[0].score * RELATIVE_FLOOR if wide else 0.0
        evidence = [item for item in wide if item.score >= floor]
        return evidence, [item for item in wide if item.score < floor]

    def _naming_hits(self, user_id: int, query: str, frame: TimeFrame) -> list[Hit]:
        """Hits of items that name a day of the frame (or, when the question's tense does
        not say, the coming one), wherever they were written."""
        days = frame.days + ([frame.other] if frame.other else [])
        with self._storage.read() as uow:
            naming = uow.named_days.naming(user_id, min(days), max(days))
        wanted = {doc_id for doc_id, named in naming.items() if any(n.day in days for n in named)}
        if not wanted:
            return []
        hits = self._retriever.search(user_id, query, k=max(self._chunks * 4, 24))
        return [hit for hit in hits if hit.doc_id in wanted]

    def answerable(self, findings: Findings) -> bool:
        """Does the evidence hold an answer? Decided by the calibrated thresholds (one for
        evidence in the question's language, one for evidence in another, which can only
        score by meaning); a question scoped to a time that holds items is answered."""
        if not findings.evidence:
            return False
        if findings.timeframe is not None:
            return True
        same, other = self._thresholds
        return any(
            item.score >= (same if item.lang == findings.language else other)
            for item in findings.evidence
        )

    async def ask(
        self,
        user_id: int,
        question: str,
        *,
        history: list[tuple[str, str]] | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[str | Answer, None]:
        """Yield the model's text as it is generated, then the finished `Answer` (whose text
        replaces what was streamed when the model's answer is not backed by memory). When
        memory does not hold the answer, only the `Answer` comes, at once.

        Closing the iterator early (`contextlib.aclosing`) stops the generation.
        """
        findings = await asyncio.to_thread(self.find, user_id, question)
        past = findings.history
        if not self.answerable(findings) or not findings.shown:
            log.info("answer: not in memory, decided from the evidence (best %.2f)", findings.best)
            answer = _not_found(findings)  # nothing to stream: the reply is ready
        elif past is not None and past.asks is Asks.CHANGE and len(past.versions) > 1:
            log.info("answer: when a value changed, from its versions' dates")
            answer = _changed(findings, past)
        else:
            await self.prime()  # at once when primed at start; else loaded from disk once
            prompt, added = await self.prompt_for(findings, history or [])
            params = replace(self._params, max_tokens=max_tokens or self._params.max_tokens)
            pieces: list[str] = []
            async for piece in self._worker.stream(prompt.messages, params):
                pieces.append(piece)
                yield piece
            said = "".join(pieces)
            retry = again(findings.question, findings.language, prompt, said, self._picker.terms)
            if retry is not None:
                said = "".join(
                    [piece async for piece in self._worker.stream(retry.messages, params)]
                )
            answer = await asyncio.to_thread(self._judge, findings, prompt, said)
            answer = replace(answer, prompt_tokens=added)
            log.info("answer: from the model, %d new prompt tokens, shown: %s", added, answer.found)
        yield answer

    async def prompt_for(
        self, findings: Findings, history: list[tuple[str, str]]
    ) -> tuple[Prompt, int]:
        """The prompt for these findings, and the tokens it adds beyond the preamble."""
        budget = self._evidence_tokens
        past = findings.history
        asked = findings.question
        if past is not None and past.earlier_only:  # shown the earlier values alone
            asked = without_past_words(asked)

        def build(model: Generator) -> tuple[Prompt, int]:
            count = model.count_tokens
            prompt = build_prompt(
                asked,
                findings.shown,
                history,
                count_tokens=count,
                evidence_budget=budget,
                history_budget=budget // 2 if history else 0,
            )
            fixed = len(preamble())
            added = sum(count(m["content"]) + 4 for m in prompt.messages[fixed:])
            return prompt, added

        return await self._worker.run(build)

    def _judge(self, findings: Findings, prompt: Prompt, said: str) -> Answer:
        text = without_citations(said)
        if not text or is_refusal(text):
            return _not_found(findings, model_text=said)
        backing = self._picker.backing(text, findings.question, prompt.evidence)
        asks_who = bool(who.ASKS_WHO.search(findings.question))
        if not backing and asks_who:  # "who …?" answered by repeating their message
            backing = who.repeated(text, findings.question, prompt.evidence, self._picker.terms)
        if not backing:
            log.info("an answer no evidence backs was not shown")
            return _not_found(findings, model_text=said)
        frame = findings.timeframe
        asked = frame.without_phrase(findings.question) if frame else findings.question
        subject = fact_subject(without_past_words(asked))
        seen = _seen(findings, prompt, backing)
        if not self._picker.about(subject, findings.language, backing, seen):
            log.info("an answer backed by evidence about something else was not shown")
            return _not_found(findings, model_text=said)
        if asks_who:
            text = who.named(text, backing, self._picker.terms)
        text = dates_in(with_day(text, findings.question, backing[0]), findings.language)
        text = whole_values(text, backing)  # "volna-88", not the "88" a small model keeps
        if findings.history is not None:
            text = with_moment(text, findings.language, findings.history, backing)
        return Answer(
            text=text,
            language=findings.language,
            found=True,
            quotes=backing[:NEAREST_SHOWN],
            timeframe=findings.timeframe,
            model_text=said,
        )


def _seen(findings: Findings, prompt: Prompt, backing: list[Evidence]) -> list[Evidence]:
    """What tells what the answer is about: what the model saw of the items that back it
    (a document's other sentences; a chat message alone: Marco's flat is not about the car
    rental he booked in another message the model also saw) and, when that is a version of
    a value noted more than once, every version of it ("Este trimestre la salida del cole
    es a las 14:00" is about collecting the children because the note it replaced,
    "Recoger a los niños del cole a las 16:30", says so)."""
    sources = {item.hit.doc_id for item in backing}
    seen = [item for item in prompt.evidence if item.hit.doc_id in sources]
    history = findings.history
    if history is None or len(history.versions) < 2:
        return seen
    ids = {item.hit.doc_id for item in history.versions}
    if not ids & sources:
        return seen
    return [*seen, *history.versions]


def _merged(first: list[Hit], second: list[Hit]) -> list[Hit]:
    seen: set[tuple[int, int]] = set()
    merged = []
    for hit in sorted([*first, *second], key=lambda h: -h.score):
        if (hit.doc_id, hit.chunk) not in seen:
            seen.add((hit.doc_id, hit.chunk))
            merged.append(hit)
    return merged


def _changed(findings: Findings, history: Timeline) -> Answer:
    """ "When did I change ...?": when its newest version was noted, quoted with the one it
    replaced."""
    newest, before = history.versions[-1], history.versions[-2]
    return Answer(
        text=changed_on(findings.language, newest, before),
        language=findings.language,
        found=True,
        quotes=[newest, before],
        timeframe=findings.timeframe,
    )


def _not_found(findings: Findings, model_text: str | None = None) -> Answer:
    language = findings.language
    frame = findings.timeframe
    text = (
        NOT_IN_MEMORY_ON[language].format(when=written_frame(frame, language))
        if frame is not None
        else NOT_IN_MEMORY[language]
    )
    return Answer(
        text=text,
        language=language,
        found=False,
        quotes=findings.evidence[:NEAREST_SHOWN],
        timeframe=frame,
        model_text=model_text,
    )
