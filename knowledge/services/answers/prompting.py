"""The answer prompt: a constant preamble, then a few evidence sentences and the question.

The preamble (system prompt and worked examples) never changes, so its evaluated state is
kept by llama.cpp between questions and on disk between starts (`LlamaGenerator.prime`);
what a question adds is only its evidence, the question and one instruction line, under a
token budget (`MNEMO_EVIDENCE_TOKENS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.services.answers.evidence import Evidence, fit
from knowledge.services.words.language import guess_language

SYSTEM_PROMPT = (
    "You are mnemo, a private memory assistant. You answer only from the numbered lines of "
    "the user's memory, never from general knowledge. Give the fact in one short sentence, "
    "in the language the instruction asks for, and cite the line number in square brackets. "
    "If the memory lines don't say it, answer that you don't know, in that language."
)

# Worked examples shown before every question. Constant, like the system prompt, so their
# evaluated state is reused. They show a fact cited, a fact asked across languages, and
# refusals when the memory holds something related but not the answer. Their memory is
# invented and shares nothing with the benchmark sets.
_EXAMPLE_MEMORY = (
    "[1] note of 2024-03-02 09:15: The boiler service line is 0800 123 456.\n"
    "[2] car.pdf p.12: Tire pressure for the front wheels is 2.3 bar."
)
_EXAMPLES = (
    ("What tire pressure for the front wheels?", "The front wheels need 2.3 bar [2]."),
    ("Какой номер сервиса котла?", "Номер сервиса котла: 0800 123 456 [1]."),
    ("What is the rear tire pressure?", "I don't know: your memory does not say."),
    ("¿Cuál es la presión de las ruedas delanteras?", "Las ruedas delanteras: 2,3 bar [2]."),
    ("法国的首都是哪里？", "我不知道：你的记忆里没有这方面的内容。"),
    ("Когда техосмотр машины?", "Не знаю: в вашей памяти этого нет."),
)
_INSTRUCTION = {
    "en": "Answer in English, in one short sentence, only from the memory above.",
    "ru": "Ответь по-русски, одним коротким предложением, только по памяти выше.",
    "es": "Responde en español, en una frase corta, solo con la memoria de arriba.",
    "zh": "请用中文回答，一句话，只根据上面的记忆。",
}
_REMINDER = {
    "en": "Write the answer in English, even though the memory is in another language.",
    "ru": "Напиши ответ по-русски, даже если память на другом языке.",
    "es": "Escribe la respuesta en español, aunque la memoria esté en otro idioma.",
    "zh": "即使记忆是其他语言，也请用中文写答案。",
}
_NOT_THE_QUESTION = {
    "en": "Do not repeat the question: write what the memory line says.",
    "ru": "Не повторяй вопрос: напиши, что говорит строка памяти.",
    "es": "No repitas la pregunta: escribe lo que dice la línea de la memoria.",
    "zh": "不要重复问题：写出记忆里那一行说的内容。",
}
_CITATION = re.compile(r"\s*\[(\d{1,2})\]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?。，；：！？])")

NOT_IN_MEMORY = {
    "en": "That is not in your memory.",
    "ru": "Этого нет в вашей памяти.",
    "es": "Eso no está en tu memoria.",
    "zh": "你的记忆中没有这个。",
}
NOT_IN_MEMORY_ON = {
    "en": "Nothing in your memory from {when} answers that.",
    "ru": "В вашей памяти за {when} нет ответа на это.",
    "es": "Nada en tu memoria del {when} responde a eso.",
    "zh": "你在 {when} 的记忆中没有这个答案。",
}
_DONT_KNOW = re.compile(
    r"don'?t know|do not know|not in your memory|не знаю|нет информации|нет в вашей памяти"
    r"|no (lo )?sé|no tengo información|no está en tu memoria|不知道|没有相关|记忆中没有",
    re.I,
)


def user_turn(memory: str, question: str) -> str:
    instruction = _INSTRUCTION[guess_language(question)]
    return f"Memory:\n{memory}\n\nQuestion: {question}\n{instruction}"


def preamble() -> list[dict[str, str]]:
    """The constant start of every answer prompt."""
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for question, answer in _EXAMPLES:
        messages.append({"role": "user", "content": user_turn(_EXAMPLE_MEMORY, question)})
        messages.append({"role": "assistant", "content": answer})
    return messages


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    evidence: list[Evidence]  # numbered from 1 in the prompt, in this order


def build_prompt(
    question: str,
    evidence: Sequence[Evidence],
    history: Sequence[tuple[str, str]],
    *,
    count_tokens: Callable[[str], int],
    evidence_budget: int,
    history_budget: int = 0,
) -> Prompt:
    """Preamble, recent turns (newest kept first, within `history_budget` tokens), then the
    best evidence that fits `evidence_budget` tokens, and the question."""
    turns: list[dict[str, str]] = []
    used = 0
    for role, content in reversed(history):
        cost = count_tokens(content) + 8
        if used + cost > history_budget:
            break
        turns.insert(0, {"role": role, "content": content})
        used += cost
    if turns and turns[0]["role"] == "assistant":
        turns = turns[1:]  # a turn list starts with a question
    shown = fit(evidence, evidence_budget, count_tokens)
    lines = [f"[{number}] {item.line()}" for number, item in enumerate(shown, 1)]  # who said it
    question_turn = {"role": "user", "content": user_turn("\n".join(lines), question)}
    return Prompt(messages=[*preamble(), *turns, question_turn], evidence=shown)


def in_language(prompt: Prompt, language: str) -> Prompt:
    """The same prompt, its last turn insisting on the answer's language (for a retry when
    the model answered in the memory's language instead)."""
    return _insisting(prompt, _REMINDER[language])


def not_said_back(prompt: Prompt, language: str) -> Prompt:
    """The same prompt, its last turn asking for what the memory says rather than the
    question's own words (for a retry when the model said the question back)."""
    return _insisting(prompt, _NOT_THE_QUESTION[language])


def _insisting(prompt: Prompt, line: str) -> Prompt:
    *start, last = prompt.messages
    turn = {"role": last["role"], "content": f"{last['content']}\n{line}"}
    return Prompt(messages=[*start, turn], evidence=prompt.evidence)


def is_refusal(answer: str) -> bool:
    return bool(_DONT_KNOW.search(answer))


def without_citations(text: str) -> str:
    """The answer as shown: "[1]" markers gone (the quoted lines name the source), and a
    memory line's label the model copied in front ("Marco of 2026-10-14 20:07: …",
    "Ольга: 21:04: …"): when a line was written is not what it says."""
    plain = " ".join(_CITATION.sub(" ", text).split())
    plain = _LABEL_ECHO.sub("", plain, count=1)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", plain)


# A memory line's label copied into an answer: "message from Marco of 2026-10-14 20:07: ",
# "Marco of 2026-10-14 20:07: ", "Ольга: 21:04: ", "note of 2026-11-20 09:21: ", and as
# the model translates it ("Lucía de 2026-10-18 19:26: ", "王伟 2026-10-18 19:26：").
_LABEL_ECHO = re.compile(
    r"^(?:message from\s+)?(?:[^:\n\d]{1,40}?\s+(?:of|de|del|от)\s+"
    r"|[\u4e00-\u9fff]{1,10}\s*)\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}\s*[:：](?!\d)\s*"
    r"|^[^:\n\d]{1,40}:\s+\d{1,2}:\d{2}\s*[:：](?!\d)\s*",
    re.IGNORECASE,
)
