"""What a question asks for, read by rules in en/ru/es/zh (measured in bench/gathering.py):

- FACT: one thing ("What is the Wi-Fi password?"), the answering path;
- TIME: what memory holds for a day, a week, a part of a day ("What did I eat on
  Tuesday?", "что я делал на этой неделе", "¿qué hice ayer por la tarde?", "我这周见了谁");
- SUBJECT: a roundup ("everything about the cabin", "все рецепты, что я сохранил");
- SUMMARY: one document's gist ("Summarize the boat handbook");
- COUNT and SUM: how many times the person did something, how much they spent, computed
  from the items (words/quantities.py; a quantity inside a note, "How many eggs go into
  the syrniki?", is a fact).

The plan also tells a message that asks for something ("Summarize the boat handbook.")
from a note to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from knowledge.services.words import quantities
from knowledge.services.words.intent import is_question
from knowledge.services.words.language import guess_language
from knowledge.services.words.timeframe import TimeFrame, find_timeframe


class Kind(StrEnum):
    FACT = "fact"
    TIME = "time"
    SUBJECT = "subject"
    SUMMARY = "summary"
    COUNT = "count"
    SUM = "sum"


GATHERING = (Kind.TIME, Kind.SUBJECT, Kind.COUNT, Kind.SUM)


@dataclass(frozen=True)
class Plan:
    kind: Kind
    question: str
    language: str
    subject: str  # what it is about, time and question words taken out ("" for "anything")
    frame: TimeFrame | None = None
    parts: tuple[str, ...] = ()  # a sum's several subjects ("the plumber", "electricity")
    written: bool = False  # about when items were written ("what did I note yesterday?")

    @property
    def gathers(self) -> bool:
        return self.kind in GATHERING


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


_SUMMARY = _words(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum up|give me (?:a|the) (?:summary|gist) of|"
    r"(?:what is|what's) the (?:gist|summary) of|tl;?dr)\b",
    r"^\s*what (?:is|does) (?:chapter|part|section) \w+ of .+ (?:about|say)\b",
    r"(?:сделай|дай|напиши)\s+(?:мне\s+)?(?:краткое\s+)?(?:содержание|резюме|выжимку|пересказ)",
    r"^\s*(?:перескажи|кратко перескажи|"
    r"краткое содержание|резюмируй|суммируй|о ч[её]м (?:глава|книга|документ|статья|файл)"
    r"|о ч[её]м\b.+\b(?:глава|инструкци|руководств|книг))",
    r"^\s*¿?(?:resume|resúmeme|resumen de|haz(?:me)? un resumen|dame un resumen|"
    r"de qué (?:trata|va)|sobre qué trata)\b",
    r"^\s*(?:总结|概括|概述|摘要|简述)|(?:讲了什么|讲的是什么|主要内容|的摘要|的总结)",
)
_ROUNDUP = _words(
    r"\b(?:everything|all|anything)\b.{0,25}\b(?:about|on|regarding|related to)\b"
    r"|\ball (?:my |the )?(?:notes|recipes|ideas|things|items|entries|photos|messages)\b"
    r"|\bwhat do i (?:know|have) (?:about|on)\b|\btell me about\b|\bwhat have i (?:noted|saved|"
    r"written|kept) (?:about|on)\b|\blist (?:all |my )?\b|\bshow (?:me )?(?:all|everything)\b"
    r"|\bmy notes (?:about|on)\b"
    r"|^\s*everything (?:that )?\w+ (?:said|wrote|told me|sent)(?: me)?\s*[?.!]?\s*$",
    r"\bвс[её],?\s+(?:что|о|об|про)\b|\bвсе (?:мои )?(?:заметки|рецепты|идеи|записи|фото|сообщения)"
    r"|\bчто я знаю (?:о|об|про)\b|\bрасскажи (?:мне )?(?:о|об|про)\b|\bчто (?:я )?(?:записал\w*|"
    r"записыва\w*|сохранил\w*) (?:о|об|про)\b|\bмои заметки (?:о|об|про)\b|\bпокажи (?:все|всё)\b",
    r"\btodo (?:lo que )?(?:\w+ ){0,2}(?:sobre|de|acerca)\b"
    r"|^\s*todo lo que \w+ (?:me )?(?:dijo|escribió|contó|mandó)\s*[?.!]?\s*$"
    r"|\btodas? (?:mis |las |los )?(?:notas|recetas|ideas|cosas|fotos|mensajes)\b"
    r"|\bqué sé (?:de|sobre)\b|\bqué (?:he )?(?:anotado|apuntado|guardado"
    r"|anoté|apunté|guardé) (?:sobre|de)\b|\bháblame (?:de|del|sobre)\b|\bmis notas (?:sobre|de)\b",
    r"关于.{1,20}(?:我)?(?:记|写|存)了(?:什么|哪些)|关于.{1,20}的(?:所有|全部|一切|笔记|记录|内容)|所有(?:关于|的)|所有(?:食谱|笔记|记录|照片|想法)|全部(?:关于|的)|我(?:记|存|保存)了"
    r"(?:哪些|什么).{0,6}(?:关于)|有关.{1,20}的(?:所有|一切|记录)",
)
# A first-person question about what one did, had, met... (with a time: a gathering).
_WHAT_I_DID = _words(
    r"\b(?:what|who|whom|where|which \w+)\b(?:\s+\w+){0,3}\s+(?:did|have|had|was|were) i\b"
    r"|\bwhat (?:happened|did i|have i|was i|am i|do i have|is on|'s on|s on)\b|\bwhat's on\b"
    r"|\bwho did i\b|\bwhere did i\b|\bwhat i (?:did|ate|noted|wrote)\b",
    r"\b(?:что|чем|кого|с кем|где|куда|какие|какой)\b(?:\s+\w+){0,2}\s+(?:я|мы|у меня)\b"
    r"|\bчто (?:было|произошло|у меня|я)\b",
    r"\b(?:qué|a quién|con quién|dónde|adónde|cuáles)\b(?:\s+\w+){0,2}\s+(?:\w+(?:é|í|aste|iste)"
    r"|hice|fui|tuve|tengo|hay|pasó|vi|vio|he \w+)\b|\bcon quién me\b",
    r"我.{0,12}(?:了|过).{0,6}(?:什么|谁|哪|啥)|我.{0,12}(?:什么|谁|哪里|啥)|有什么(?:安排|事|计划)?"
    r"|(?:什么|哪些)(?:事|安排|计划)",
)
# Asking for one attribute of a thing at that time: when, what time, how much.
_ATTRIBUTE = _words(
    r"\b(?:what time|when|at what|how much|how long|what was the|what is the|what's the)\b",
    r"\b(?:во сколько|когда|в какое время|какой был|какая была|какой у|какой номер)\b",
    r"\b(?:a qué hora|cuándo|cuál (?:es|era|fue))\b",
    r"几点|什么时候|多久|号码|密码",
)
# What is left of a question that asks for everything of a time ("what did I do", "что я
# делал", "qué hice", "我做了什么"), once the scaffold words are gone.
_GENERIC = re.compile(
    r"^(?:(?:do|done|did|doing|been|up|to|happen\w*|going|get|got|on|there|new|note\w*|add\w*"
    r"|делал\w*|сделал\w*|был\w*|было|произошло|происходило|занимал\w*|нового|ново\w*"
    r"|hice|hicimos|hecho|hiciste|pasó|hay|tengo|tuve|nuevo|hacer|ocurrió"
    r"|做|干|发生|安排|事|事情|有|做了|干了|记|写|存|记下|发)\s*)*$",
    re.IGNORECASE,
)
_SCAFFOLD = _words(
    r"\b(?:what|who|whom|where|which|how many times|how many|how often|how much|did|do|does|have"
    r"|has|had|i|my|me|was|were|is|are|the|a|an|in total|altogether|total|everything|all|anything"
    r"|tell me|about|regarding|on|of|for|and|noted|saved|wrote|know|please|summari[sz]e|sum up"
    r"|give|summary|gist|pay|paid|spend|spent|cost|go|went|what's|show|list|notes|'s)\b|'s\b",
    r"\b(?:что|чем|кого|где|куда|сколько|раз|всего|в сумме|я|мне|мой|моя|мои|у меня|все|всё|о|об"
    r"|про|и|на|за|расскажи|знаю|записал\w*|сохранил\w*|заплатил\w*|потратил\w*|перескажи"
    r"|кратко|ходил\w*|ездил\w*|заметки|записи|делал\w*|сделал\w*)\b",
    r"\b(?:qué|quién|a quién|con quién|dónde|adónde|adonde|cuántas veces|cuántos|cuántas|cuánto"
    r"|en total|todo|todas|todos|lo que|sobre|de|del|la|el|las|los|y|mis|mi|me|yo|sé|he|háblame"
    r"|resume|resumen"
    r"|pagué|gasté|veces|fui|a|por|notas|anoté|apunté|guardé|hice|hacer|hago|tuve)\b",
    r"我|了|过|的|什么|谁|几次|多少次|多少|一共|总共|关于|所有|全部|和|吗|呢|去|花|付|钱|总结|概括|一下"
    r"|记录|笔记",
    r"[?¿!？。，,.:;]",
)


def plan(question: str, zone: ZoneInfo, now: datetime | None = None) -> Plan:
    """The kind of the question, its time and subject."""
    text = question.strip()
    language = guess_language(text)
    frame = find_timeframe(text, zone, now)
    scoped = frame.without_phrase(text) if frame else text
    subject = subject_of(scoped)
    if _SUMMARY.search(text):
        return Plan(Kind.SUMMARY, text, language, _summary_subject(text), frame)
    counted = quantities.reading(text, frame)
    if counted == "sum":
        return Plan(Kind.SUM, text, language, subject, frame, _parts(scoped))
    if counted == "count":
        return Plan(Kind.COUNT, text, language, subject, frame)
    if _ROUNDUP.search(text):
        return Plan(Kind.SUBJECT, text, language, subject, frame)
    if frame is not None and _asks_what_happened(text, scoped):
        subject = "" if _is_generic(scoped) else subject
        return Plan(Kind.TIME, text, language, subject, frame, written=bool(_NOTED.search(text)))
    return Plan(Kind.FACT, text, language, subject, frame)


# Asking what was written then, not what happened: every item written that day counts.
_NOTED = _words(
    r"\b(?:note|noted|write|wrote|written|save|saved|add|added|send|sent|record\w*)\b",
    r"\b(?:записал\w*|записыва\w*|сохранил\w*|добавил\w*|отправил\w*|написал\w*)\b",
    r"\b(?:anoté|apunté|guardé|escribí|añadí|mandé|envié|anotado|apuntado|guardado)\b",
    r"记了|写了|存了|保存了|记下|记录了|发了",
)


def wants_answer(text: str) -> bool:
    """Is a message something to answer (a question, or a request such as "Summarize the
    boat handbook." or "все рецепты, что я сохранил") rather than a note to keep?"""
    if is_question(text):
        return True
    stripped = text.strip()
    if len(stripped) > 160:
        return False
    return bool(_SUMMARY.search(stripped) or _ROUNDUP.search(stripped))


def _asks_what_happened(text: str, scoped: str) -> bool:
    if _ATTRIBUTE.search(text) or quantities.QUANTITY.search(text):
        return False
    return bool(_WHAT_I_DID.search(text)) or _is_generic(scoped)


def subject_of(text: str) -> str:
    """What a question is about, its question words, pronouns and little words taken out."""
    rest = _SCAFFOLD.sub(" ", text)
    return " ".join(rest.split())


def _is_generic(scoped: str) -> bool:
    return bool(_GENERIC.match(subject_of(scoped)))


def _summary_subject(text: str) -> str:
    rest = _SUMMARY.sub(" ", text)
    rest = re.sub(
        r"\b(?:the|a|an|my|of|el|la|los|las|mi|mis|de|del|about)\b|[?¿!？。.]",
        " ",
        rest,
        flags=re.IGNORECASE,
    )
    return " ".join(rest.split())


_AND = re.compile(r"\s*(?:,|\band\b|\bи\b|\by\b|\be\b|和|与|跟|及)\s*", re.IGNORECASE)


def _parts(scoped: str) -> tuple[str, ...]:
    """A sum's subjects: "the plumber and for electricity" → ("plumber", "electricity")."""
    pieces = [subject_of(piece) for piece in _AND.split(scoped)]
    found = tuple(piece for piece in pieces if piece)
    return found if len(found) > 1 else ()
