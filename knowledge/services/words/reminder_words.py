"""Reading "remind me" in en/ru/es/zh: is a message a request for a reminder, of what, and
when ("remind me tomorrow at 9 to call the dentist", "напомни через час выключить духовку",
"recuérdame todos los días a las 22 tomar la pastilla", "明天早上八点提醒我交报告").

A request begins with its trigger ("remind me", "напомни", "recuérdame", "提醒我"), or has
only time words and "please" before it; a trigger followed by a question word ("remind me
what the Wi-Fi password is", "напомни, какой пароль") is a question to answer, not a request.
What is left once the trigger and the time words are taken out is the task. The time words
are read by reminder_times (hours, parts of the day, "in an hour") and reminder_days (days,
dates, repeats); a day without an hour or a moment already past asks back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from knowledge.services.words.calendar_words import looks_forward
from knowledge.services.words.reminder_days import Found, Recurrence
from knowledge.services.words.reminder_times import When, read_when

# How the message asks --------------------------------------------------------------------

_POLITE = re.compile(
    r"^(?:please|pls|plz|hey|ok|okay|mnemo|can you|could you|would you|пожалуйста|плиз"
    r"|слушай|можешь|можете|не забудь|por favor|oye|puedes|podrías|me puedes"
    r"|at|on|in|в|во|к|a|el)\b\s*|^(?:请你|请|麻烦你|麻烦|记得|帮我|你|在|于)\s*",
    re.IGNORECASE,
)
_TRIGGER = re.compile(
    r"\b(?P<en>re?mi?nd\s*me|remidn me|remaind me|remind e)\b"
    r"|(?P<ru>напомни+(?:те)?|напоминай(?:те)?|напомнить|напомнишь|напомить|напомн)"
    r"(?:\s+мне)?\b"
    r"|(?P<es>recuérd(?:a|e)me|recuerd(?:a|e)me|recordarme|recuerdame)\b"
    r"|(?P<zh>提醒我|提醒一下我)",
    re.IGNORECASE,
)
_ASKS = {  # a question word right after the trigger: the message asks, it is no request
    "en": re.compile(
        r"^\s*,?\s*(?:of\s+)?(?:what|where|who|whom|whose|which|how|whether|if|when|why"
        r"|my\s+\w+\s+(?:is|was))\b",
        re.IGNORECASE,
    ),
    "ru": re.compile(
        r"^\s*,?\s*(?:мне\s+)?(?:что|где|как|какой|какая|какое|какие|каким|кто|кого|когда"
        r"|сколько|во сколько|чем|о чём|о чем|почему|зачем|ли|мой|моя|мои|номер|пароль)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"^\s*,?\s*(?:qué|que es|a qué hora|a que hora|cuál|cual|cuáles|dónde|donde|quién"
        r"|quien|cómo|como|cuándo"
        r"|cuando|cuánto|cuanto|cuántos|por qué|mi\s+\w+)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"什么|哪|多少|吗|谁|怎么|为什么|是否|几号|密码|号码"),
}
_ABOUT = re.compile(  # "remind me about X" without a time asks what memory holds of X
    r"^\s*(?:about|of|про|о|об|sobre|de)\b", re.IGNORECASE
)
_TASK_LEAD = re.compile(
    r"^(?:\s|,|:|-|—)*(?:me\s+)?(?:to|that|about|of|чтобы|что|про|о|об|que|de|sobre|a|я)\b\s*",
    re.IGNORECASE,
)


# What was read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A reminder asked for: `task` in the sender's words, `due` the local moment (aware),
    or a problem: "no_time" (when?), "ambiguous" (`options` to choose from), "past"."""

    task: str
    due: datetime | None = None
    every: Recurrence | None = None
    problem: str | None = None
    options: tuple[datetime, ...] = ()


def may_ask(text: str) -> bool:
    """Whether `text` holds a trigger at all: the cheap look before `read_request`."""
    return _TRIGGER.search(text) is not None


def read_request(text: str, now: datetime) -> Request | None:
    """The reminder `text` asks for, read against `now` (aware, the sender's local time);
    None when it is no request (a note, a question, "remind me what...")."""
    trigger = _TRIGGER.search(text)
    if trigger is None or not _only_time_before(text[: trigger.start()], now):
        return None
    language = next(name for name, value in trigger.groupdict().items() if value)
    rest = text[trigger.end() :]
    if _ASKS[language].search(rest) if language == "zh" else _ASKS[language].match(rest):
        return None
    found = Found()
    moment = read_when(text, now, found, skip=trigger.span())
    task = _task(text, [*found.spans, trigger.span()])
    if moment is None:
        if _ABOUT.match(rest) or language == "zh" or not task:
            return None  # "remind me about my passport": what memory holds of it
        return Request(task, problem="no_time")
    return resolved(task, moment, now)


def _blanked(text: str, spans: list[tuple[int, int]], mark: str) -> str:
    """`text` with each of `spans` (merged where they overlap) replaced by `mark`."""
    for start, end in sorted(_merged(spans), reverse=True):
        text = text[:start] + mark + text[end:]
    return text


def _without_polite(text: str, strip: str = " ") -> str:
    """`text` with "please", "можешь", "请"... taken off its start."""
    while (polite := _POLITE.match(text)) is not None and polite.group(0):
        text = text[polite.end() :].strip(strip)
    return text


def _only_time_before(prefix: str, now: datetime) -> bool:
    """Only time words and "please" before the trigger ("завтра в 9 напомни...")."""
    found = Found()
    read_when(prefix, now, found)
    rest = re.sub(r"[\s,.:;!¡¿?—-]+", " ", _blanked(prefix, found.spans, " ")).strip()
    return not _without_polite(rest)


def _task(text: str, spans: list[tuple[int, int]]) -> str:
    """What to remind of: the words left when the trigger and time words are taken out,
    with the little words that led into a time ("at", "в", "el") and "to" before the task."""
    rest = _blanked(text, spans, "\x00")
    previous = None
    while previous != rest:
        previous = rest
        rest = _TIME_LEAD.sub("\x00", rest)
    rest = re.sub(r"\s*\x00[\s\x00]*", " ", rest)
    rest = _without_polite(re.sub(r"\s+", " ", rest).strip(" ,.;:!—-"), " ,")
    previous = None
    while previous != rest:
        previous = rest
        rest = _TASK_LEAD.sub("", rest, count=1).strip(" ,.;:!")
    return re.sub(r"^(?:一下|一声)", "", rest).strip(" ，。,.")


_TIME_LEAD = re.compile(
    r"(?:\b(?:at|on|in|by|for|from|в|во|к|на|с|el|la|a|las|los|de|para|desde)|在|于)\s*\x00",
    re.IGNORECASE,
)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def resolved(task: str, when: When, now: datetime) -> Request:
    """The request that time words make for `task`: set, or asked about (am or pm, no
    hour, a moment past)."""
    if when.options:
        return Request(task, problem="ambiguous", options=when.options, every=when.every)
    if when.due is None:
        return Request(task, problem="no_time", every=when.every)
    if when.due <= now:
        return Request(task, problem="past", options=(when.due,))
    return Request(task, when.due, when.every)


# What a note tells ---------------------------------------------------------------------------

# A note about what was done ("went to the dentist", "сходил в аптеку", "fui al médico",
# "今天和小王去了图书馆") is offered no reminder; one that arranges what is ahead ("booked a
# table for Friday", "забронировал столик", "reservé mesa", "订了周五的餐厅") still is.
_DONE = [
    re.compile(
        r"\b(?:went|been|gone|did|done|had|got|met|saw|seen|ate|eaten|drank|bought|paid|took"
        r"|came|left|made|ran|swam|rode|drove|flew|gave|found|spent|sent|wrote|brought|caught"
        r"|sold|told|won|lost|slept|woke|forgot|fed|\w{3,}ed)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:\w+[аяиеёыу]л(?:а|о|и|ся|ась|ось|ись)?|\w*шл[аои]|\w*шёл|ел[аи]?"
        r"|(?:от|при|у|за|в|вы|пере|до|под|про|с|из|раз|на|по)?(?:вёз|вез|нёс|нес|мог|лёг|пёк|жёг))\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:fui|fue|fuimos|fueron|hice|hizo|hicimos|tuve|tuvo|tuvimos|estuve|estuvo"
        r"|estuvimos|vine|vinimos|puse|dije|traje|vi|vio|vimos|di|dio|dimos|pude"
        r"|(?:he|has|ha|hemos|han)\s+\w+(?:ado|ada|ido|ida|to|cho|sto)|\w{2,}[éóí])\b",
        re.IGNORECASE,
    ),
    re.compile(r"(?<![为除])了(?!解)|[去见吃做看来到用买玩遛试]过|已经|刚才|刚刚"),
]
# -ed, -л, -é/-ó/-í words that are no past: nouns, names (the future, "iré", is below)
_NOT_DONE_WORDS = (
    "need speed bleed breed proceed exceed succeed hundred embed sacred naked wicked indeed"
    " tweed seaweed зал канал финал вокзал сериал журнал подвал сигнал идеал генерал персонал"
    " квартал интервал карнавал отдел раздел предел пробел стул дела дело тело сила пила мило"
    " мила могила недели модели отели мебели крыло бал мел павел михаил даниил данил людмила"
    " café bebé puré josé canapé comité chalé carné consomé aquí allí ahí así esquí rubí"
    " jabalí maní colibrí israelí marroquí iraní dominó qué porqué"
)
_NOT_DONE = frozenset(_NOT_DONE_WORDS.split())
_FUTURE_ES = re.compile(r"(?:[aei]r|dr|rr|br)é$", re.IGNORECASE)  # iré, haré, tendré, sabré
_ARRANGED = re.compile(  # done, but what was done sets up something ahead
    r"\b(?:booked|reserved|scheduled|arranged|signed up|registered|(?:bought|got) (?:the )?"
    r"tickets|забронировал\w*|записал\w*|договорил\w*|купил\w* билет\w*|назначил\w*"
    r"|reserv\w*|compr[ée] (?:las |unas )?entradas|saqu[ée] (?:las |unas )?entradas|pedí cita)\b"
    r"|约了|约好|订了|定了|订好|预订|预约|报名|挂号|买了.{0,12}票",
    re.IGNORECASE,
)
_IMPERATIVE_ZH = re.compile(r"别忘了|不要忘了|记得")
# "this morning", no "tomorrow" (looks_forward takes a bare "mañana" for that)
_THIS_MORNING = re.compile(r"\b(?:esta|por la|de la|en la)\s+mañana\b", re.IGNORECASE)


def tells_done(text: str) -> bool:
    """Does the note tell of what was done (a verb in the past, "了", "ya he..."), rather
    than of what is ahead or arranged for later?"""
    if _ARRANGED.search(text) or looks_forward(_THIS_MORNING.sub(" ", text)):
        return False
    text = _IMPERATIVE_ZH.sub(" ", text)
    return any(
        (word := match.group(0).lower()) not in _NOT_DONE and not _FUTURE_ES.search(word)
        for pattern in _DONE
        for match in pattern.finditer(text)
    )
