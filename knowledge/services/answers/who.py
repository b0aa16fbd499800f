"""Who said it: a question asking who ("Who said the museum is closed on Mondays?", "¿Quién
es vegetariana?", "谁对花生过敏？") is answered by the person whose message backs it.

A small model often answers such a question by repeating the message ("Soy vegetariana,
que no se os olvide al reservar.") or by repeating the question's own words, which names
no one and adds nothing the backing check could find. The message it repeats is the
answer's backing, and its sender is the answer: "Lucía: Soy vegetariana, …". An answer
that names someone ("Pedro", "Anna said …") is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from knowledge.services.answers.evidence import Evidence, numbers
from knowledge.services.words.number_words import spelled_numbers
from knowledge.services.words.speakers import names, said_by, speakers_of

ASKS_WHO = re.compile(r"\b(?:who|whom|кто|кого|кому|qui[eé]n(?:es)?)\b|谁", re.IGNORECASE)
# How much of what the answer says a message must hold to be the one it repeats.
REPEATED = 0.6
# An answer this short is a value (a name, "Pedro"), not a message repeated.
SHORTEST_REPEAT = 4  # words; characters ×2 in Chinese
_CJK = re.compile(r"[\u4e00-\u9fff]")

Terms = Callable[[str], set[object]]


def repeated(
    answer: str, question: str, evidence: Sequence[Evidence], terms: Terms
) -> list[Evidence]:
    """The messages someone else said that the answer repeats (most of its words are
    theirs, every number it names theirs), best first: the backing of an answer to
    "who …?" that names no one. An answer that is only the name of whom the question
    names ("Ольга." to "От кого была посылка, которую забрала Ольга?") repeats the
    question, no message."""
    said = terms(answer)
    if not said or _only_the_asked(said, question, evidence, terms):
        return []
    found = []
    for item in evidence:
        if said_by(item.hit) is None or not _holds_numbers(answer, item.text):
            continue
        share = _share(said, item.text, terms)
        if share >= REPEATED:
            found.append((share, item.score, item))
    found.sort(key=lambda entry: (-entry[0], -entry[1]))
    return [item for _, _, item in found]


def named(answer: str, backing: Sequence[Evidence], terms: Terms) -> str:
    """The answer with who said its backing in front, when it repeats that message and
    names no one who said it ("Lucía: Soy vegetariana, …"); else as it is."""
    who = said_by(backing[0].hit) if backing else None
    if who is None or names(answer, who) or _short(answer):
        return answer
    said = terms(answer)
    if not said or _share(said, backing[0].text, terms) < REPEATED:
        return answer
    return f"{who}: {answer}"


def _share(said: set[object], text: str, terms: Terms) -> float:
    """How much of what the answer says (its terms, not empty) the text holds."""
    return len(said & terms(text)) / len(said)


def _only_the_asked(
    said: set[object], question: str, evidence: Sequence[Evidence], terms: Terms
) -> bool:
    """Is the answer no more than the name of someone the question names?"""
    return any(
        names(question, who) and said <= terms(who)
        for who in speakers_of(item.hit for item in evidence)
    )


def _short(answer: str) -> bool:
    if _CJK.search(answer):
        return len(_CJK.findall(answer)) < SHORTEST_REPEAT * 2
    return len(answer.split()) < SHORTEST_REPEAT


def _holds_numbers(answer: str, text: str) -> bool:
    return numbers(answer) <= numbers(text) | spelled_numbers(text)
