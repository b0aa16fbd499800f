"""Is a message a question to answer or a statement to remember? (en, ru, es, zh)"""

from __future__ import annotations

import re

_QUESTION_WORDS = re.compile(
    r"^\s*(what|when|where|who|whom|whose|why|how|which|is|are|was|were|do|does|did|can|could"
    r"|should|would|will|have|has|had|tell me|remind me|find|show me|list"
    r"|что|чем|чего|где|куда|откуда|когда|кто|кого|кому|почему|зачем|как|какой|какая|какое"
    r"|какие|каков|сколько|ли|есть ли|расскажи|напомни|найди|покажи"
    r"|qué|que|cuándo|cuando|dónde|donde|quién|quien|quiénes|por qué|cómo|como|cuál|cual"
    r"|cuáles|cuánto|cuánta|cuántos|cuántas|recuérdame|dime|busca|muestra)\b",
    re.IGNORECASE,
)
_CHINESE_QUESTION = re.compile(r"(什么|哪|谁|为什么|怎么|怎样|几|多少|吗|呢|是否|有没有)")


def is_question(text: str) -> bool:
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith(("?", "？")) or stripped.startswith("¿"):
        return True
    if _QUESTION_WORDS.match(stripped):
        return True
    return bool(_CHINESE_QUESTION.search(stripped)) and len(stripped) < 80
