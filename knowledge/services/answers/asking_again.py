"""Asking the model once more: when its answer is in another language than the question's
(a date written the English way, "14 October", is first put in the question's language by
`moments.dates_in`, and asks for nothing), or only says the question back ("Где
планировалась свадьба Кати?", "Ольга." to "От кого была посылка, которую забрала Ольга?"),
a small model's way of not answering. The second answer is the one judged, by the same
checks (answers/answering.py).

Measured (docs/BENCHMARKS.md, third pass): asking again after a question said back gained 3
current and past values of 80 on bench.changes and about 3 chat answers of 88 on
bench.chats, lost none of the personal notes' honest refusals, and turned 3 of 45 XQuAD
questions memory cannot answer (encyclopedic paragraphs on the same topic) from a refusal
into a wrong answer, while making one right."""

from __future__ import annotations

import logging
from collections.abc import Callable

from knowledge.services.answers.moments import dates_in
from knowledge.services.answers.prompting import (
    Prompt,
    in_language,
    is_refusal,
    not_said_back,
    without_citations,
)
from knowledge.services.words.language import written_in

log = logging.getLogger(__name__)

Terms = Callable[[str], set[object]]


def again(question: str, language: str, prompt: Prompt, said: str, terms: Terms) -> Prompt | None:
    """The prompt to ask once more with: insisting on the question's language, or on what
    memory says; None when the answer stands (a refusal stands too)."""
    if is_refusal(said):
        return None
    if not written_in(dates_in(said, language), language):
        log.info("answer: in another language than the question's; asked again")
        return in_language(prompt, language)
    if said_back(question, said, terms):
        log.info("answer: the question said back; asked again")
        return not_said_back(prompt, language)
    return None


def said_back(question: str, said: str, terms: Terms) -> bool:
    """An answer that holds only the question's own words: it says nothing."""
    words = terms(without_citations(said))
    return bool(words) and words <= terms(question)
