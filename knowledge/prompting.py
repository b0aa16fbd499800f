"""Prompts with numbered sources, fitted to the model's context window.

The system prompt is a constant and always comes first, so llama.cpp reuses its KV cache
for it across questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.language import guess_language
from knowledge.model import Citation, Hit

SYSTEM_PROMPT = (
    "You are mnemo, a private memory assistant. You answer only from the numbered sources "
    "of the user's memory, never from general knowledge. State the fact in one sentence in "
    "the language of the question and cite the source number in square brackets. If the "
    "sources don't contain the answer, say you don't know, in the language of the question."
)

# Worked examples shown before every question. They are constant, like the system prompt,
# so llama.cpp keeps them in its KV cache; with them the 0.5B model answers and refuses
# far more reliably (measured: 10/11 vs 6/11 on a small en/ru/es/zh set, docs/ARCHITECTURE.md).
_EXAMPLE_SOURCES = (
    "[1] recipes.md\nGrandma's pancakes: 2 eggs, 300 ml milk, 150 g flour. Fry on medium "
    "heat.\n\n[2] car.pdf p.12\nTire pressure for the front wheels is 2.3 bar."
)
_EXAMPLES = (
    ("What tire pressure for the front wheels?", "en", "The front wheels need 2.3 bar [2]."),
    ("Сколько молока в блинах?", "ru", "В блины нужно 300 мл молока [1]."),
    ("Who painted the Mona Lisa?", "en", "I don't know: your memory has nothing about that."),
    ("法国的首都是哪里？", "zh", "我不知道：你的记忆里没有这方面的内容。"),
    ("¿Cuánta harina llevan las tortitas?", "es", "Las tortitas llevan 150 g de harina [1]."),
    ("Какая столица Италии?", "ru", "Не знаю: в вашей памяти об этом ничего нет."),
)
_LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "es": "Spanish", "zh": "Chinese"}
_SAFETY_TOKENS = 48
_MAX_UNCITED = 2
_MIN_SOURCE_ROOM = 64
_CITATION = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+")

NO_MEMORY = {
    "en": "I don't know: nothing in your memory matches that question.",
    "ru": "Не знаю: в вашей памяти нет ничего по этому вопросу.",
    "es": "No lo sé: no hay nada en tu memoria sobre esa pregunta.",
    "zh": "我不知道：你的记忆中没有与这个问题相关的内容。",
}
_DONT_KNOW = re.compile(
    r"don'?t know|do not know|не знаю|нет информации|no (lo )?sé|no tengo información"
    r"|不知道|没有相关",
    re.I,
)


def _user_turn(sources: str, question: str) -> str:
    language = _LANGUAGE_NAMES[guess_language(question)]
    return f"Sources:\n\n{sources}\n\nQuestion: {question}\n(Answer in {language}.)"


def _preamble() -> list[dict[str, str]]:
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for question, _, answer in _EXAMPLES:
        messages.append({"role": "user", "content": _user_turn(_EXAMPLE_SOURCES, question)})
        messages.append({"role": "assistant", "content": answer})
    return messages


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    sources: list[Hit]


def build_prompt(
    question: str,
    hits: Sequence[Hit],
    history: Sequence[tuple[str, str]],
    *,
    count_tokens: Callable[[str], int],
    budget: int,
) -> Prompt:
    """Messages for the chat model: system, recent turns, then sources and the question.

    `budget` is the number of prompt tokens available; sources are added in rank order
    and the last one that fits is cut to size.
    """
    preamble = _preamble()
    turns = [{"role": role, "content": content} for role, content in history]
    used = sum(count_tokens(m["content"]) + 8 for m in preamble)
    used += count_tokens(_user_turn("", question)) + _SAFETY_TOKENS
    turn_costs = [count_tokens(t["content"]) + 8 for t in turns]
    while turns and used + sum(turn_costs) > budget - _MIN_SOURCE_ROOM:
        turns, turn_costs = turns[2:], turn_costs[2:]  # drop the oldest question and answer
    used += sum(turn_costs)
    blocks: list[str] = []
    sources: list[Hit] = []
    for hit in hits:
        header = f"[{len(sources) + 1}] {hit.label()}\n"
        room = budget - used - count_tokens(header)
        if room < _MIN_SOURCE_ROOM:
            break
        text = _fit(hit.text, room, count_tokens)
        blocks.append(header + text)
        sources.append(hit)
        used += count_tokens(header + text) + 2
    question_turn = {"role": "user", "content": _user_turn("\n\n".join(blocks), question)}
    return Prompt(messages=[*preamble, *turns, question_turn], sources=sources)


def _fit(text: str, room: int, count_tokens: Callable[[str], int]) -> str:
    tokens = count_tokens(text)
    if tokens <= room:
        return text
    return text[: max(1, len(text) * room // tokens)]


def is_refusal(answer: str) -> bool:
    return bool(_DONT_KNOW.search(answer))


def supporting_sources(
    answer: str, sources: Sequence[Hit], terms: Callable[[str], set[object]]
) -> list[Citation]:
    """The sources that back the answer: those it cites that share words or numbers with it,
    or, when it cites none, those that share the most with it. None for "I don't know".

    Small models often forget to cite or cite the wrong number, so a citation only counts
    when the source really holds something the answer says.
    """
    if not sources or is_refusal(answer):
        return []
    said = _terms_with_numbers(answer, terms)
    overlap = [len(said & _terms_with_numbers(hit.text, terms)) for hit in sources]
    cited = [int(n) - 1 for n in dict.fromkeys(_CITATION.findall(answer))]
    cited = [i for i in cited if 0 <= i < len(sources) and overlap[i] > 0]
    if not cited:
        needed = 1 if len(said) <= 3 else 2
        ranked = sorted(range(len(sources)), key=lambda i: -overlap[i])
        cited = [i for i in ranked if overlap[i] >= needed][:_MAX_UNCITED]
    return [Citation(i + 1, sources[i]) for i in cited]


def _terms_with_numbers(text: str, terms: Callable[[str], set[object]]) -> set[object]:
    plain = _CITATION.sub(" ", text)
    return terms(plain) | set(_NUMBER.findall(plain))
