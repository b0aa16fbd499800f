"""Who said it: a question asking who ("Who said the museum is closed on Mondays?", "¿Quién
es vegetariana?", "谁对花生过敏？") is answered by the person whose message backs it.

A small model often answers such a question by repeating the message ("Soy vegetariana,
que no se os olvide al reservar.") or by repeating the question's own words, which names
no one and adds nothing the backing check could find. The message it repeats is the
answer's backing, and its sender is the answer: "Lucía: Soy vegetariana, …".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from knowledge.services.answers.evidence import Evidence
from knowledge.services.words.speakers import names, said_by

ASKS_WHO = re.compile(r"\b(?:who|whom|кто|кого|кому|qui[eé]n(?:es)?)\b|谁", re.IGNORECASE)
# How much of what the answer says a message must hold to be the one it repeats.
REPEATED = 0.6


def repeated(
    answer: str, evidence: Sequence[Evidence], terms: Callable[[str], set[object]]
) -> list[Evidence]:
    """The messages someone else said that the answer repeats (most of its words are
    theirs), best first: the backing of an answer to "who …?" that names no one."""
    said = terms(answer)
    if not said:
        return []
    found = []
    for item in evidence:
        if said_by(item.hit) is None:
            continue
        share = len(said & terms(item.text)) / len(said)
        if share >= REPEATED:
            found.append((share, item.score, item))
    found.sort(key=lambda entry: (-entry[0], -entry[1]))
    return [item for _, _, item in found]


def named(answer: str, backing: Sequence[Evidence]) -> str:
    """The answer with who said its backing in front, unless it names them already."""
    who = said_by(backing[0].hit) if backing else None
    if who is None or names(answer, who):
        return answer
    return f"{who}: {answer}"
