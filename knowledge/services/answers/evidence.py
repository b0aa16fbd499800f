"""Evidence: the few sentences of the retrieved chunks that answer a question.

Chunk retrieval finds the right passage almost always; a small model then loses the fact in
a thousand tokens of text. So the chunks are split into sentences (sentencex, which knows
each of our languages, Chinese included, plus line breaks, since notes are often one fact a
line), every sentence is scored against the question, and only the best few go to the model
and under the answer.

A sentence's score is its dense similarity to the question (the embedder's, so it works
across languages) plus how much of the question's own terms it holds (BM25 terms, stemmed by
each language's rules; Chinese is segmented), plus a little of its chunk's search rank. A
neighbour sentence joins a picked one when it carries question terms the sentence lacks
("The cabin is by the lake. Its wifi password is ..."), since that is where the subject is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sentencex import segment

from knowledge.domain.model import Hit
from knowledge.domain.ports import Embedder, SparseEncoder
from knowledge.services.words.language import guess_language
from knowledge.services.words.number_words import spelled_numbers
from knowledge.services.words.speakers import named_in, not_theirs, said_by, spoken

# How the three signals add up, and where a sentence is too weak to be evidence at all.
# Chosen on the personal-notes and XQuAD sets by bench/answers (docs/BENCHMARKS.md).
LEXICAL_WEIGHT = 0.5
RANK_WEIGHT = 0.05
# Evidence far weaker than the best is left out ("This page describes step 4 ...").
RELATIVE_FLOOR = 0.5
MAX_SENTENCE_CHARS = 600
# An answer in one language backed by a sentence in another: how close in meaning they must
# be (USE Multilingual: a translation scores ~0.8, an unrelated sentence ~0.1).
CROSS_LANGUAGE_SIMILARITY = 0.6
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
SUBJECT_SHARE = 0.5  # of a question's subject words, found in its backing (bench/answers.py)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_LINE_BREAKS = re.compile(r"\s*\n+\s*")


@dataclass(frozen=True)
class Evidence:
    """Sentences of one chunk, exactly as the user wrote them, with their source."""

    text: str
    hit: Hit
    score: float
    lang: str
    dense: float = 0.0
    coverage: float = 0.0

    def label(self) -> str:
        return self.hit.label()

    def line(self) -> str:
        """As the model sees it: its source, then its words; another person's words as
        "message from Anna of 2026-11-20 09:21: …" (words/speakers.py)."""
        who = said_by(self.hit)
        if who is None or self.hit.created_at is None or not self.text.startswith(who):
            return f"{self.label()}: {self.text}"
        words = self.text[len(who) + 2 :]
        return f"message from {who} of {self.hit.created_at:%Y-%m-%d %H:%M}: {words}"


def sentences(text: str, lang: str) -> list[str]:
    """A text's sentences: line breaks first, then sentencex within each line."""
    found: list[str] = []
    for line in _LINE_BREAKS.split(text.strip()):
        if not line:
            continue
        for sentence in segment(lang, line):
            sentence = sentence.strip()
            if sentence:
                found.extend(_cut(sentence))
    return found


def _cut(sentence: str) -> list[str]:
    """A run-on "sentence" (a table row, a list with no full stops) in readable pieces."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces, rest = [], sentence
    while len(rest) > MAX_SENTENCE_CHARS:
        window = rest[:MAX_SENTENCE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "), window.rfind(" "))
        cut = cut if cut > MAX_SENTENCE_CHARS // 2 else MAX_SENTENCE_CHARS
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip(" ,;")
    if rest:
        pieces.append(rest)
    return pieces


@dataclass
class _Candidate:
    hit: Hit
    rank: int
    index: int  # the sentence's place in its chunk
    text: str
    lang: str
    terms: set[object]
    dense: float = 0.0
    coverage: float = 0.0
    score: float = 0.0


class EvidencePicker:
    """Scores the sentences of retrieved chunks against a question and keeps the best."""

    def __init__(self, *, embedder: Embedder, sparse: SparseEncoder) -> None:
        self._embedder = embedder
        self._sparse = sparse

    def pick(
        self,
        question: str,
        hits: Sequence[Hit],
        *,
        limit: int = 8,
        question_vector: Sequence[float] | None = None,
        relative_floor: float = RELATIVE_FLOOR,
    ) -> list[Evidence]:
        """The best evidence first, a sentence with its subject-carrying neighbours; none
        that scores under `relative_floor` times the best."""
        lang = guess_language(question)
        wanted = self.terms(question, lang)
        by_chunk = [self._candidates(hit, rank) for rank, hit in enumerate(hits)]
        flat = [c for chunk in by_chunk for c in chunk]
        if not flat:
            return []
        query = list(question_vector or self._embedder.embed_query(question))
        vectors = self._embedder.embed_batch([c.text for c in flat])
        for candidate, vector in zip(flat, vectors, strict=True):
            candidate.dense = cosine(query, vector)
            candidate.coverage = _coverage(wanted, candidate.terms)
            candidate.score = (
                candidate.dense
                + LEXICAL_WEIGHT * candidate.coverage
                + RANK_WEIGHT / (1 + candidate.rank)
            )
        picked: list[Evidence] = []
        used: set[tuple[int, int, int]] = set()
        for best in sorted(flat, key=lambda c: -c.score):
            key = (best.hit.doc_id, best.hit.chunk, best.index)
            if key in used or any(best.text == e.text for e in picked):
                continue
            group = self._with_neighbours(best, by_chunk[best.rank], wanted, used)
            used.update((c.hit.doc_id, c.hit.chunk, c.index) for c in group)
            picked.append(
                Evidence(
                    text=spoken(best.hit, " ".join(c.text for c in group)),  # "Anna: …"
                    hit=best.hit,
                    score=best.score,
                    lang=best.lang,
                    dense=best.dense,
                    coverage=_coverage(wanted, set().union(*(c.terms for c in group))),
                )
            )
            if len(picked) >= limit:
                break
        floor = picked[0].score * relative_floor if picked else 0.0
        return [item for item in picked if item.score >= floor]

    def best_per_hit(self, query: str, hits: Sequence[Hit]) -> list[Evidence]:
        """For a search: each hit's best sentence(s), in the hits' order."""
        limit = sum(len(hit.text) for hit in hits)
        picked = self.pick(query, hits, limit=limit, relative_floor=0.0)
        best: dict[tuple[int, int], Evidence] = {}
        for item in picked:
            best.setdefault((item.hit.doc_id, item.hit.chunk), item)
        return [best[key] for hit in hits if (key := (hit.doc_id, hit.chunk)) in best]

    def backing(self, answer: str, question: str, evidence: Sequence[Evidence]) -> list[Evidence]:
        """The evidence that holds what the answer says beyond the question, best first.

        The answer's own terms (stemmed words and numbers) that the question does not
        already hold must be found in the sentence: "Your car is red" is not backed by "I
        parked the car on level 3"; and every number it names must be in the evidence
        ("110 volts" is not backed by "24 volts DC"); and a question about the asker's own
        life is not backed by another person's words ("where did I go yesterday?" by Anna's
        "I went to the doctor yesterday": words/speakers.py), nor one about what someone
        named said or did by a third person's ("Сколько Ольга заплатила…" by Marco's "Each
        of you owes me 85 euros"). An answer in another language than a
        sentence is backed by it when they are close in meaning (the multilingual
        embedder) and the sentence holds every number the answer names.
        """
        evidence = [item for item in evidence if not not_theirs(question, item.hit)]
        if asked := named_in(question, (item.hit for item in evidence)):
            # what Olga paid is not in Marco's words: only hers, or the user's own
            evidence = [item for item in evidence if said_by(item.hit) in {None, *asked}]
        said = self.terms(answer)
        novel = said - self.terms(question)
        held = set().union(*(numbers(item.text) | spelled_numbers(item.text) for item in evidence))
        held |= {f"{item.hit.created_at:%Y}" for item in evidence if item.hit.created_at}
        if not novel or not numbers(answer) <= held | numbers(question):
            return []  # nothing said beyond the question, or a number memory does not hold
        answer_lang = guess_language(answer)
        scored: list[tuple[int, float, Evidence]] = []
        foreign: list[Evidence] = []
        for item in evidence:
            shared = novel & self.terms(item.text, item.lang)
            if shared:
                scored.append((len(shared), item.score, item))
            elif item.lang != answer_lang and numbers(answer) <= numbers(item.text):
                foreign.append(item)
        if not scored and foreign:
            answer_vector = self._embedder.embed_query(answer)
            vectors = self._embedder.embed_batch([item.text for item in foreign])
            for item, vector in zip(foreign, vectors, strict=True):
                similarity = cosine(answer_vector, vector)
                if similarity >= CROSS_LANGUAGE_SIMILARITY:
                    scored.append((0, similarity, item))
        scored.sort(key=lambda entry: (-entry[0], -entry[1]))
        return [item for _, _, item in scored]

    def about(
        self, subject: str, language: str, backing: Sequence[Evidence], shown: Sequence[Evidence]
    ) -> bool:
        """Is what backs the answer about what the question asks? At least half of the
        subject's own words (stemmed: "bank account number") must be in the backing or in
        what the model was shown of the same items (`shown`), in the question's language;
        in Chinese, which has no word breaks here, one of its two-character pieces. The
        name of whoever said a backing message counts on neither side. A backing sentence
        in another language was matched by meaning and passes."""
        wanted = self._subject_terms(subject, language)
        for who in {who for item in backing if (who := said_by(item.hit))}:
            wanted -= self._subject_terms(who, language)  # who said it, not what it is about
        if not wanted or any(item.lang != language for item in backing):
            return True
        held: set[object] = set()
        for item in [*backing, *shown]:
            if item.lang == language:
                held |= self._subject_terms(own_words(item), language)
        share = 1 / len(wanted) if language == "zh" else SUBJECT_SHARE  # zh: one piece
        return len(wanted & held) / len(wanted) >= share

    def subject_held(self, subject: str, language: str) -> Callable[[Evidence], set[object]]:
        """Which of the subject's own words an evidence item holds (none in another
        language: those match by meaning only). Who said it is not what it says: "Ольга:"
        in front of each of her messages would make every one of them a version of the
        one "Что Ольга сказала про сантехника?" asks about."""
        wanted = self._subject_terms(subject, language)

        def held(item: Evidence) -> set[object]:
            if item.lang != language:
                return set()
            return wanted & self._subject_terms(own_words(item), language)

        return held

    def closeness(self) -> Callable[[Evidence, Evidence], float]:
        """How close two evidence items are in meaning (the embedder's cosine)."""
        vectors: dict[str, Sequence[float]] = {}

        def vector(text: str) -> Sequence[float]:
            if text not in vectors:
                vectors[text] = self._embedder.embed_batch([text])[0]
            return vectors[text]

        return lambda a, b: cosine(vector(a.text), vector(b.text))

    def _subject_terms(self, text: str, language: str) -> set[object]:
        if language == "zh":  # BM25 keeps a Chinese sentence as one term: pieces instead
            runs = _CJK_RUN.findall(text)
            return {run[i : i + 2] for run in runs for i in range(max(len(run) - 1, 1))}
        return {term for term in self.terms(text, language) if not isinstance(term, str)}

    def terms(self, text: str, lang: str | None = None) -> set[object]:
        """Stemmed words (BM25 terms in the text's language) and numbers."""
        lang = lang or guess_language(text)
        found: set[object] = set(self._sparse.encode_query(text, lang).indices)
        return found | set(_NUMBER.findall(text))

    def _candidates(self, hit: Hit, rank: int) -> list[_Candidate]:
        lang = guess_language(hit.text)
        return [
            _Candidate(hit, rank, index, text, lang, self.terms(spoken(hit, text), lang))
            for index, text in enumerate(sentences(hit.text, lang))
        ]

    @staticmethod
    def _with_neighbours(
        best: _Candidate,
        chunk: list[_Candidate],
        wanted: set[object],
        used: set[tuple[int, int, int]],
    ) -> list[_Candidate]:
        group = [best]
        held = wanted & best.terms
        for offset in (-1, 1):
            index = best.index + offset
            if 0 <= index < len(chunk):
                neighbour = chunk[index]
                taken = (neighbour.hit.doc_id, neighbour.hit.chunk, neighbour.index) in used
                if not taken and (wanted & neighbour.terms) - held:
                    group.append(neighbour)
                    held |= wanted & neighbour.terms
        return sorted(group, key=lambda c: c.index)


def numbers(text: str) -> set[str]:
    """The numbers a text writes in digits ("3,5" and "3.5" alike)."""
    return {number.replace(",", ".") for number in _NUMBER.findall(text)}


def _coverage(wanted: set[object], held: set[object]) -> float:
    return len(wanted & held) / len(wanted) if wanted else 0.0


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norms if norms else 0.0


def fit(
    evidence: Sequence[Evidence], budget: int, count_tokens: Callable[[str], int]
) -> list[Evidence]:
    """The best evidence that fits `budget` tokens (always at least the best one, cut)."""
    kept: list[Evidence] = []
    used = 0
    for item in evidence:
        cost = count_tokens(item.text) + count_tokens(item.label()) + 6
        if used + cost > budget:
            if not kept:
                share = max(1, len(item.text) * max(budget - 16, 8) // max(cost, 1))
                kept.append(_shortened(item, item.text[:share]))
            break
        kept.append(item)
        used += cost
    return kept


def _shortened(item: Evidence, text: str) -> Evidence:
    return Evidence(
        text=text,
        hit=item.hit,
        score=item.score,
        lang=item.lang,
        dense=item.dense,
        coverage=item.coverage,
    )


def own_words(item: Evidence) -> str:
    """What an evidence item says, without who said it in front ("Marco: …"): the speaker
    is who, not what it is about."""
    who = said_by(item.hit)
    if who is not None and item.text.startswith(f"{who}: "):
        return item.text[len(who) + 2 :]
    return item.text
