"""Reading "remind me" in en/ru/es/zh: is a message a request for a reminder, of what, and
when ("remind me tomorrow at 9 to call the dentist", "напомни через час выключить духовку",
"recuérdame todos los días a las 22 tomar la pastilla", "明天早上八点提醒我交报告").

A request begins with its trigger ("remind me", "напомни", "recuérdame", "提醒我"), or has
only time words and "please" before it; a trigger followed by a question word ("remind me
what the Wi-Fi password is", "напомни, какой пароль") is a question to answer, not a request.
The time is read here, not guessed: a bare hour that could be morning or evening ("at 5")
gives both to choose from, a day without an hour or a moment already past asks back.

Days and hours are this module's own tables (weekdays from calendar_words, as the rest of
the core reads them); an hour given by a part of the day alone ("tomorrow morning") is the
usual one (09:00, 15:00, 19:00, 21:00 at night), and the confirmation says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from knowledge.services.words.calendar_words import WEEKDAY, of_named_week, weekday_of

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

# Numbers -----------------------------------------------------------------------------------

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50,
    "couple": 2, "a couple of": 2, "few": 3, "a few": 3,
    "одну": 1, "один": 1, "одна": 1, "две": 2, "два": 2, "пару": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "пятнадцать": 15, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50,
    "un par de": 2, "par de": 2, "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3,
    "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
}  # fmt: skip
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUMBER = (
    r"\d{1,3}|a couple of|a few|couple|few|an|a|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|fifteen|twenty|thirty|forty-five|forty|fifty"
    r"|одну|один|одна|две|два|пару|три|четыре|пятнадцать|пятьдесят|пять|шесть|семь|восемь"
    r"|девять|десять|одиннадцать|двенадцать|двадцать|тридцать|сорок"
    r"|un par de|una|uno|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce"
    r"|quince|veinte"
    r"|treinta|cuarenta|cincuenta"
)
_ZH_NUMBER = r"\d{1,3}|[零〇一二两三四五六七八九十]{1,3}"


def number(text: str) -> int:
    word = text.lower().strip()
    if word.isdigit():
        return int(word)
    if word in _WORD_NUMBERS:
        return _WORD_NUMBERS[word]
    return _zh_number(word)


def _zh_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _ZH_DIGITS[char]
    return value


# Time words ------------------------------------------------------------------------------

_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}


def _unit(word: str) -> timedelta:
    word = word.lower()
    if word.startswith(("min", "мин", "分")):
        return _UNITS["minute"]
    if word.startswith(("h", "ч", "hora", "小时", "钟头", "个小时")):
        return _UNITS["hour"]
    if word.startswith(("d", "дн", "ден", "día", "dia", "天")):
        return _UNITS["day"]
    return _UNITS["week"]


_RELATIVE = [
    re.compile(
        rf"\bin\s+(?P<n>{_NUMBER})\s*(?P<unit>minutes?|minuts?|mintues?|mins?|m\b|hours?|hrs?"
        r"|h\b|days?|weeks?)\b(?:\s+and\s+a\s+half)?",
        re.IGNORECASE,
    ),
    re.compile(r"\bin\s+(?P<half>half\s+an?\s+hour)\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:через|спустя)\s+(?:(?P<n>{_NUMBER})\s*)?(?P<unit>минут[уы]?|мин\b|час(?:а|ов)?"
        r"|ч\b|дн(?:я|ей)|день|недел[юиь])",
        re.IGNORECASE,
    ),
    re.compile(r"\bчерез\s+(?P<half>полчаса|пол\s*часа)", re.IGNORECASE),
    re.compile(
        rf"\b(?:en|dentro de)\s+(?P<n>{_NUMBER})\s*(?P<unit>minutos?|min\b|horas?|días?|dias?"
        r"|semanas?)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:en|dentro de)\s+(?P<half>media\s+hora)\b", re.IGNORECASE),
    re.compile(
        rf"(?:过)?(?P<n>{_ZH_NUMBER})\s*(?P<unit>分钟|分|个小时|小时|个钟头|钟头|天|个星期|星期|周)"
        r"\s*(?:以后|之后|后)"
    ),
    re.compile(r"(?:过)?(?P<half>半(?:个)?小时)\s*(?:以后|之后|后)"),
    re.compile(rf"过\s*(?P<n>{_ZH_NUMBER})\s*(?P<unit>分钟|个小时|小时|个钟头|钟头|天)"),
]

_TODAY = re.compile(r"\b(?:today|tonight|сегодня|hoy|esta noche)\b|今天|今晚|今早|今日", re.I)
_TOMORROW = re.compile(
    r"\b(?:tomorrow|tomorow|tommorow|tommorrow|tomorrw|tmrw|tmr|завтра|завтро|zavtra)\b"
    r"|(?<!la )(?<!pasado )\b(?:mañana|manana)\b"
    r"|明天|明早|明晚|明日",
    re.IGNORECASE,
)
_YESTERDAY = re.compile(r"\b(?:yesterday|вчера|ayer)\b|昨天|昨晚", re.IGNORECASE)
_AFTER_TOMORROW = re.compile(
    r"\b(?:the\s+)?day after tomorrow\b|\bпослезавтра\b|\bpasado mañana\b|后天", re.IGNORECASE
)
_RELATIVE_DAYS = ((_AFTER_TOMORROW, 2), (_TOMORROW, 1), (_TODAY, 0), (_YESTERDAY, -1))
_MONTHS = [
    ("jan(?:uary)?", "январ[яь]", "enero"),
    ("feb(?:ruary)?", "феврал[яь]", "febrero"),
    ("mar(?:ch)?", "марта?", "marzo"),
    ("apr(?:il)?", "апрел[яь]", "abril"),
    ("may", "мая|май", "mayo"),  # "may" only beside a day number
    ("june?", "июн[яь]", "junio"),
    ("july?", "июл[яь]", "julio"),
    ("aug(?:ust)?", "августа?", "agosto"),
    ("sep(?:t|tember)?", "сентябр[яь]", "septiembre|setiembre"),
    ("oct(?:ober)?", "октябр[яь]", "octubre"),
    ("nov(?:ember)?", "ноябр[яь]", "noviembre"),
    ("dec(?:ember)?", "декабр[яь]", "diciembre"),
]
_MONTH_WORD = "|".join("|".join(stems) for stems in _MONTHS)
_DATES = [
    re.compile(
        rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        rf"(?P<month>{_MONTH_WORD})\b\.?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:on\s+)?(?P<month>{_MONTH_WORD})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:el\s+)?(?:día\s+)?(?P<day>\d{{1,2}})\s+de\s+(?P<month>{_MONTH_WORD})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<month_n>{_ZH_NUMBER})\s*月\s*(?P<day>{_ZH_NUMBER})\s*[日号]",
    ),
    re.compile(r"\b(?P<year>20\d\d)-(?P<month_n>\d\d)-(?P<day>\d\d)\b"),
]
_PARTS = [  # a part of the day: the hour it means alone, and whether an hour in it is pm
    (
        re.compile(
            r"\b(?:in the morning|this morning|tomorrow morning|morning|утром|с утра|утра"
            r"|por la mañana|de la mañana|en la mañana)\b|早上|上午|早晨|明早|今早|清早",
            re.IGNORECASE,
        ),
        9,
        False,
    ),
    (
        re.compile(
            r"\b(?:in the afternoon|afternoon|днём|днем|дня|после обеда|por la tarde"
            r"|de la tarde|en la tarde)\b|下午",
            re.IGNORECASE,
        ),
        15,
        True,
    ),
    (
        re.compile(
            r"\b(?:in the evening|this evening|evening|tonight|вечером|вечера|por la noche"
            r"|de la noche|esta noche|en la noche)\b|晚上|傍晚|今晚|明晚",
            re.IGNORECASE,
        ),
        19,
        True,
    ),
    (re.compile(r"\b(?:at night|ночью|ночи)\b|夜里", re.IGNORECASE), 21, True),
    (re.compile(r"\b(?:noon|midday|в полдень|al mediodía|mediodía)\b|中午", re.I), 12, False),
]
_HOUR_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|одиннадцать|двенадцать|один|два|три|четыре|пять|шесть|семь|восемь|девять|десять"
    r"|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce"
)
_CLOCKS = [
    re.compile(  # 18:00, 9:30 pm
        r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(  # 9.30 only after a lead word: "paid 12.50" is no time
        r"\b(?:at|в|к|a las|a la)\s+(?P<h>[01]?\d|2[0-3])\.(?P<m>[0-5]\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<h>1[0-2]|0?[1-9])\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?=\W|$)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:at|by|around|at about)\s+(?P<h>1[0-9]|2[0-3]|0?\d|{_HOUR_WORDS})"
        r"(?:\s*o'?clock)?\b(?!\s*(?:minutes?|hours?|days?|weeks?|people|of)\b)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:в|к|около)\s+(?P<h>1[0-9]|2[0-3]|0?\d|{_HOUR_WORDS})"
        r"(?:\s*(?:час(?:а|ов)?|ч)\b)?(?!\s*(?:минут|дн|недел|раз|человек)|[:.\d])",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:a las|a la|sobre las|hacia las)\s+(?P<h>1[0-9]|2[0-3]|0?\d|{_HOUR_WORDS})"
        r"(?P<half>\s+y\s+media)?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<h>{_ZH_NUMBER})\s*[点點时:：](?:\s*(?P<m>{_ZH_NUMBER})\s*分?|(?P<half>半)"
        r"|(?P<quarter>一刻))?"
    ),
]
_PM = re.compile(r"^p", re.IGNORECASE)

# Recurrence ------------------------------------------------------------------------------

_DAILY = re.compile(
    r"\b(?:every\s*day|everyday|daily|each day|every (?:morning|evening|night)"
    r"|каждый день|ежедневно|каждое утро|каждый вечер|каждую ночь|todos los días"
    r"|todos los dias|cada día|cada dia|diariamente|todas las mañanas|todas las noches"
    r"|todas las tardes)\b|每天|每日|每晚|每早",
    re.IGNORECASE,
)
_WORKDAYS = re.compile(
    r"\b(?:every weekday|on weekdays|weekdays|по будням|каждый будний день|entre semana"
    r"|de lunes a viernes|los días laborables)\b|每个工作日|工作日",
    re.IGNORECASE,
)
_WEEKLY = re.compile(
    r"\b(?:every|each|каждый|каждую|каждое|по|todos los|todas las|cada|los)\s+(?=\w)"
    r"|每(?:个)?(?=周|星期|礼拜)|(?<=\bon )(?=\w+days\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Recurrence:
    """How a reminder repeats: every day, or on some weekdays (Monday 0)."""

    weekdays: tuple[int, ...]  # all seven: every day

    @property
    def code(self) -> str:
        return "daily" if len(self.weekdays) == 7 else "weekly:" + ",".join(map(str, self.weekdays))

    @classmethod
    def parse(cls, code: str | None) -> Recurrence | None:
        """The repeat a code names ("daily", "weekly:0,4"); None for none; ValueError for
        a code that names no weekday."""
        if not code:
            return None
        if code == "daily":
            return cls(tuple(range(7)))
        days = tuple(int(day) for day in code.removeprefix("weekly:").split(","))
        if not days or not set(days) <= set(range(7)):
            raise ValueError(f"no repeat: {code!r}")
        return cls(days)

    def next_after(self, moment: datetime) -> datetime:
        """The next occurrence after `moment` at its local time of day (its zone's DST
        respected: the wall-clock time stays)."""
        local = moment.replace(tzinfo=None)
        for ahead in range(1, 8):
            day = local.date() + timedelta(days=ahead)
            if day.weekday() in self.weekdays:
                return _at(day, local.time(), moment)
        raise AssertionError("a recurrence has weekdays")

    def first_after(self, moment: datetime, now: datetime) -> datetime:
        """The first occurrence after `now` of a reminder due at `moment` (aware, in its
        zone): what stepping `next_after` from `moment` finds, however far back `moment`
        is, in at most eight steps: from the local day before `now` at `moment`'s
        wall-clock time. A `moment` still ahead is itself."""
        if moment > now:
            return moment
        local = moment.replace(tzinfo=None)
        day_before = now.astimezone(moment.tzinfo).date() - timedelta(days=1)
        if local.date() < day_before:  # the days between hold nothing after `now`
            moment = _at(day_before, local.time(), moment)
        moment = self.next_after(moment)
        while moment <= now:
            moment = self.next_after(moment)
        return moment


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


@dataclass
class _Found:
    spans: list[tuple[int, int]] = field(default_factory=list)

    def take(self, match: re.Match[str]) -> None:
        self.spans.append(match.span())


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
    found = _Found()
    moment = read_when(text, now, found, skip=trigger.span())
    task = _task(text, [*found.spans, trigger.span()])
    if moment is None:
        if _ABOUT.match(rest) or language == "zh" or not task:
            return None  # "remind me about my passport": what memory holds of it
        return Request(task, problem="no_time")
    return resolved(task, moment, now)


def read_when(
    text: str, now: datetime, found: _Found | None = None, skip: tuple[int, int] = (0, 0)
) -> When | None:
    """The time words of `text` (a request, or a new time for one), resolved against `now`;
    None when it names no time at all."""
    found = found or _Found()
    start, end = skip  # blanked to its length: what is found keeps its place in `text`
    return _read_when(text[:start] + " " * (end - start) + text[end:], now, found)


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
    found = _Found()
    _read_when(prefix, now, found)
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


@dataclass
class When:
    """Time words resolved: `due`, or `options` when the hour may be am or pm; `due` None
    with a day but no hour."""

    due: datetime | None = None
    options: tuple[datetime, ...] = ()
    every: Recurrence | None = None


def _read_when(text: str, now: datetime, found: _Found) -> When | None:
    """The time words of `text` resolved against `now`, their spans noted in `found`."""
    relative = _relative(text, found)
    if relative is not None:
        return When(due=(now + relative).replace(microsecond=0))
    every = _recurrence(text, found)
    day, day_named = _day(text, now, found)
    clock = _clock(text, found)
    part = _part(text, found)
    if clock is None and part is None:
        if every is None and day_named is None:
            return None
        return When(every=every)
    if clock is None:
        assert part is not None
        hour, minute, pm = part[0], 0, None
    else:
        hour, minute, pm, _ = clock
    if part is not None and clock is not None and pm is None:
        pm = part[1] if hour < 12 else None
        if part[0] == 12 and hour < 12:
            pm = hour <= 6
    first = day if day is not None else now.date()
    if pm is None and 1 <= hour <= 7 and clock is not None and not clock[3]:
        return _am_or_pm(first, day_named is not None, time(hour, minute), now, every)
    if pm and hour < 12:
        hour += 12
    elif pm is False and hour == 12:
        hour = 0
    if not 0 <= hour < 24:
        return When(every=every)
    due = _first_on(first, time(hour, minute), now, every)
    if day is None and every is None and due <= now:
        if 8 <= hour <= 11 and clock is not None and clock[2] is None and part is None:
            due = due + timedelta(hours=12)  # "at 9" at 15:00: this evening
        if due <= now:
            due = _at(now.date() + timedelta(days=1), time(hour, minute), now)
    return When(due=due, every=every)


def _am_or_pm(
    first: date, day_named: bool, at: time, now: datetime, every: Recurrence | None
) -> When:
    """A bare hour of 1 to 7: morning or evening. With no day named, the one that comes
    today when only one does ("at 5" said at 10:00: 17:00); on a named day, the one still
    ahead when only one is; otherwise both, to choose from."""
    options = [_first_on(first, at.replace(hour=h), now, every) for h in (at.hour, at.hour + 12)]
    if not day_named and every is None:
        options = [
            o if o > now else _at(now.date() + timedelta(days=1), o.timetz(), now) for o in options
        ]
        today = [o for o in options if o.date() == now.date()]
        if len(today) == 1:
            return When(due=today[0])
        return When(options=tuple(sorted(options)), every=every)
    future = [o for o in options if o > now]
    if len(future) == 1:
        return When(due=future[0], every=every)
    if not future:
        return When(due=options[-1], every=every)  # both passed: "past"
    return When(options=tuple(future), every=every)


def _first_on(day: date, at: time, now: datetime, every: Recurrence | None) -> datetime:
    """The moment on `day` at `at`; for a recurrence, its first occurrence from now."""
    moment = _at(day, at, now)
    if every is None:
        return moment
    while moment <= now or moment.weekday() not in every.weekdays:
        moment = _at(moment.date() + timedelta(days=1), at, now)
    return moment


def _at(day: date, at: time, like: datetime) -> datetime:
    """`day` at `at` in the zone of `like`, the wall-clock time kept across DST."""
    return datetime.combine(day, at, tzinfo=like.tzinfo)


def _relative(text: str, found: _Found) -> timedelta | None:
    for pattern in _RELATIVE:
        match = pattern.search(text)
        if match is None:
            continue
        found.take(match)
        groups = match.groupdict()
        if groups.get("half"):
            return timedelta(minutes=30)
        count = number(groups["n"]) if groups.get("n") else 1
        extra = 0.5 if "and a half" in match.group(0).lower() else 0
        return _unit(groups["unit"]) * (count + extra)
    return None


def _recurrence(text: str, found: _Found) -> Recurrence | None:
    for pattern, days in ((_WORKDAYS, (0, 1, 2, 3, 4)), (_DAILY, tuple(range(7)))):
        match = pattern.search(text)
        if match:
            found.take(match)
            return Recurrence(days)
    lead = _WEEKLY.search(text)
    if lead is None:
        return None
    weekdays = []
    end = lead.end()
    for match in WEEKDAY.finditer(text, lead.end()):
        if not re.fullmatch(r"\s*(?:,|and|и|y|e|和|、)?\s*", text[end : match.start()]):
            break
        weekdays.append(weekday_of(match))
        found.take(match)
        end = match.end()
    if not weekdays:
        return None
    found.spans.append(lead.span())
    return Recurrence(tuple(sorted(set(weekdays))))


def _day(text: str, now: datetime, found: _Found) -> tuple[date | None, str | None]:
    """The day named, and how ("day", "date", "weekday"; None: none was named; a date can
    be named but not exist)."""
    today = now.date()
    for pattern, ahead in _RELATIVE_DAYS:
        match = pattern.search(text)
        if match:
            found.take(match)
            return today + timedelta(days=ahead), "day"
    for pattern in _DATES:
        match = pattern.search(text)
        if match:
            found.take(match)
            return _dated(match, today), "date"
    match = WEEKDAY.search(text)
    if match:
        found.take(match)
        named = of_named_week(match, today)
        if named is not None:  # 下周二: Tuesday of next week
            return named, "date"
        weekday = weekday_of(match)
        ahead = (weekday - today.weekday()) % 7 or 7  # today's weekday: you'd say "today"
        return today + timedelta(days=ahead), "weekday"
    return None, None


def days_named(text: str, today: date) -> list[date]:
    """Every day that relative words ("tomorrow", "后天") and dates ("December 4", "12月4日")
    of `text` name, as a request reads them (weekdays aside), in the order of the tables."""
    days = []
    for pattern, ahead in _RELATIVE_DAYS:
        for match in pattern.finditer(text):
            days.append(today + timedelta(days=ahead))
            start, end = match.span()  # "day after tomorrow" is not "tomorrow" too
            text = text[:start] + " " * (end - start) + text[end:]
    for pattern in _DATES:
        days += [day for m in pattern.finditer(text) if (day := _dated(m, today)) is not None]
    return days


def _dated(match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if groups.get("month_n"):
        month = _zh_number(groups["month_n"])
    else:
        word = groups["month"].lower()
        month = next(
            n
            for n, stems in enumerate(_MONTHS, 1)
            if any(re.fullmatch(stem, word) for stem in stems)
        )
    day = _zh_number(groups["day"])
    year = int(groups["year"]) if groups.get("year") else today.year
    try:
        named = date(year, month, day)
    except ValueError:
        return None
    if not groups.get("year") and named < today - timedelta(days=60):
        named = date(year + 1, month, day)  # "on January 5" said in December
    return named


def _clock(text: str, found: _Found) -> tuple[int, int, bool | None, bool] | None:
    """(hour, minute, pm, written): pm None when the words do not say (a bare "at 5");
    `written` for a clock time written out ("7:30", "в 9.30"), read as on a 24-hour clock."""
    for number_of, pattern in enumerate(_CLOCKS):
        match = pattern.search(text)
        if match is None:
            continue
        found.take(match)
        groups = match.groupdict()
        hour = number(groups["h"])
        minute = 0
        if groups.get("m"):
            minute = number(groups["m"])
        elif groups.get("half"):
            minute = 30
        elif groups.get("quarter"):
            minute = 15
        ampm = groups.get("ampm")
        pm = bool(_PM.match(ampm)) if ampm else None
        if pm is None and (hour >= 13 or hour == 0):
            pm = False  # a 24-hour time says itself
        return hour, minute, pm, number_of < 2
    return None


def _part(text: str, found: _Found) -> tuple[int, bool] | None:
    for pattern, hour, pm in _PARTS:
        match = pattern.search(text)
        if match:
            found.take(match)
            return hour, pm
    return None
