"""Is a how many / how much / how often a count or a sum of what the person did, or a
quantity inside a note? (en, ru, es, zh; measured in bench/planner.py)

Who the question is about decides it:

- a COUNT counts events that happened: a repeat word ("times", "how often", "раз",
  "как часто", "veces", "次") about a past event ("How often did I swim this month?",
  "сколько раз я ходил в бассейн", "这周我跑了几次步？"), or how many things the person
  did over a week, a month, a year ("How many workouts did I do this week?");
- a SUM adds up what the person spent ("¿Cuánto gasté en taxis?", "上个月打车花了多少钱？"),
  or paid over a period or "in total" ("What did I pay for electricity in total this year?").

Anything else asks for a property of a thing that a note holds, a fact: a recipe's eggs, a
dose, a price, an interval ("How often must the boiler be descaled?"), a size, a distance.
So is a rate ("a day", "в день", "al día", "一天"), what someone said or prescribed, a
measure ("how many grams"), and one payment ("How much did I pay for the new tyres?",
"午饭花了多少钱？").
"""

from __future__ import annotations

import re
from typing import Literal

from knowledge.services.words.timeframe import TimeFrame

Reading = Literal["count", "sum"]


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# Any quantity asked for: such a question is never a list of a time's items.
QUANTITY = _words(
    r"\bhow (?:many|much|often|long|far|big|heavy|old)\b",
    r"\bсколько\b|\bкак (?:часто|долго)\b",
    r"\bcuánt[oa]s?\b|\bcon qué frecuencia\b|\bcada cuánto\b",
    r"多少|几|多久|多长|多远|多大|多重",
)
_REPEATS = _words(
    r"\bhow many times\b|\bhow often\b|\bnumber of times\b|^\s*count\b",
    r"\bсколько раз\b|\bкак часто\b",
    r"\bcuántas veces\b|\bcon qué frecuencia\b|\bcada cuánto\b",
    r"几次|多少次|几回|多少回|几趟|多少趟",
)
_HOW_MANY = _words(r"\bhow many\b", r"\bсколько\b", r"\bcuánt[oa]s\b", r"多少|几")
# How much of something is asked, in money or otherwise.
_HOW_MUCH = _words(
    r"\bhow much\b|\bwhat did\b.+\bcost\b|\bwhat did (?:i|we) (?:spend|pay)\b|\btotal\b"
    r"|\baltogether\b",
    r"\bсколько\b|\bво что\b|\bвсего\b|\bв сумме\b|\bитого\b",
    r"\bcuánt[oa]\b|\ben total\b",
    r"多少|几",
)
# A rate is a property of the thing: "twice a day", "раз в неделю", "al día", "一天几次".
_RATE = _words(
    r"\b(?:a|an|per|each|every) (?:day|week|month|year|hour)\b|\bdaily\b|\bweekly\b",
    r"\bв (?:день|сутки|неделю|месяц|год|час)\b(?! рожд)|\bежедневно\b",
    r"\b(?:al|por|cada) (?:día|semana|mes|año|hora)\b|\bdiari\w+\b",
    r"每天|每日|每周|每月|每年|每小时|(?<![这上下本])一(?:天|周|个月|年)",  # not 这一周
)
# What someone said, advised or prescribed: a note holds it.
_REPORTED = _words(
    r"\b(?:say|says|said|tell|told|recommend\w*|advise\w*|prescribe\w*)\b",
    r"\b(?:сказал\w*|говорил\w*|советовал\w*|посоветовал\w*|рекомендовал\w*|прописал\w*"
    r"|назначил\w*|велел\w*)\b",
    r"\b(?:dijo|dijeron|recomend\w*|aconsej\w*|recetó|recetaron|recetado|indic\w*)\b",
    r"(?<!小)说|建议|医嘱|推荐|叮嘱",
)
# A measure asked for is a property, not a count of events ("how many kilometres").
_MEASURE = _words(
    r"\bhow many (?:grams|kilo\w*|kg|km|miles|met(?:er|re)s|lit(?:er|re)s|ml|calories|kcal"
    r"|steps|minutes|hours|euros|dollars|pounds|degrees|cups|tablespoons|teaspoons|pages)\b",
    r"\bсколько (?:грамм\w*|кило\w*|кг|км|миль|метр\w*|литр\w*|мл|калори\w*|шаг\w*|минут\w*"
    r"|час\w*|евро|рубл\w*|градус\w*|стакан\w*|лож\w*|страниц\w*)\b",
    r"\bcuánt[oa]s (?:gramos|kilo\w*|kg|km|millas|metros|litros|ml|calorías|pasos|minutos"
    r"|horas|euros|grados|tazas|cucharad\w+|páginas)\b",
    r"(?:多少|几)(?:克|公斤|千克|公里|英里|米|升|毫升|卡|大卡|步|分钟|小时|欧元|块|元|度|杯|勺|页)",
)
# An event that happened: a past tense.
_PAST = _words(
    r"\b(?:did|was|were|had)\b|\b(?:have|has) (?:i|we|you|they|he|she)\b"
    r"|\b(?:i|we)(?:'ve| have)? (?:\w+[^\We]ed|went|ran|swam|saw|met|ate|drank|bought|paid|spent"
    r"|took|got|made|gave|drove|flew|came)\b",
    r"\b\w+(?:[аеиоуыюя]|шё?)л(?:а|о|и)?(?:сь|ся)?\b",  # ходил, была, ушло, пришёл; not котёл
    r"\b(?:he|has|ha|hemos|han) \w+(?:ado|ido|isto|echo|uesto|ierto)\b"
    r"|\b(?:fui|fue|fuimos|fueron|hice|hizo|hicimos|tuve|tuvo|estuve|estuvo|vi|vio|vimos|di|dio"
    r"|puse|puso|pude|dije|dijo|vine|vino)\b"
    r"|\b(?!(?:qué|sé|café|puré|bebé|aquí|allí|ahí|así|sí|mí|ají|maní|esquí|rubí)\b)"
    r"\w+(?:é|í|ó|aste|iste|aron|ieron)\b",
    r"了|[去来吃见看做到]过",
)
# The person: I, we, me...; in Spanish also the verb's own first person ("gasté", "fuimos").
_PERSON = _words(
    r"\b(?:i|we|me|us|my|our)\b",
    r"\b(?:я|мы|меня|мне|нас|нам|мой|моя|мои|наш\w*)\b",
    r"\b(?:yo|me|mi|mis|nos|nosotros|nuestr\w+|he|hemos|fui|fuimos|hice|hicimos|tuve|estuve|vi"
    r"|vimos|puse|dije)\b|\b(?!(?:qué|sé|café|puré|bebé|aquí|allí|ahí|así|sí|mí|ají|maní"
    r"|esquí|rubí)\b)\w+(?:é|í|amos|imos)\b",
    r"我|咱",
)
# Spending is the person's own money going out over time; paying is one payment unless a
# period or "in total" makes it many.
_SPENDING = _words(
    r"\bspen[dt]\w*\b|\bcost (?:me|us)\b",
    r"\bпотрат\w*|\bпотрачен\w*|\bушл[оаи]\b|\bобош[её]?л\w*",
    r"\bgast\w+|\b(?:me|nos) cost\w+",
    r"花了|花费|开销|支出|消费|(?:我|我们).{0,10}花(?![园生朵瓶盆草茶])",  # not 花园, 花生
)
_PAYING = _words(
    r"\bpa(?:y|id|ying)\b|\bcost\b",
    r"\b(?:за)?плати\w*|\bзаплач\w*|\bоплат\w*|\bотдал\w*",
    r"\bpag\w+|\bcost\w+",
    r"付|交了|钱|费",
)
_TOTAL = _words(
    r"\bin total\b|\btotal\b|\baltogether\b|\ball together\b",
    r"\bвсего\b|\bв сумме\b|\bитого\b|\bобщая сумма\b",
    r"\ben total\b|\ben conjunto\b",
    r"一共|总共|总计|合计|加起来",
)


def reading(text: str, frame: TimeFrame | None) -> Reading | None:
    """The kind, "count" or "sum", when the question counts or adds up what the person did
    or spent; None for any other question (a quantity inside a note is a fact)."""
    if _REPORTED.search(text) or _RATE.search(text):
        return None
    if _REPEATS.search(text):
        happened = _PAST.search(text) or (_PERSON.search(text) and _spans(frame))
        return "count" if happened else None
    if _HOW_MUCH.search(text) and _adds_up(text, frame):
        return "sum"
    own = _PERSON.search(text) and _PAST.search(text) and _spans(frame)
    if _HOW_MANY.search(text) and own and not _MEASURE.search(text):
        return "count"
    return None


def _adds_up(text: str, frame: TimeFrame | None) -> bool:
    many = bool(_TOTAL.search(text)) or _spans(frame)
    if _SPENDING.search(text):
        return many or bool(_PERSON.search(text))
    return many and bool(_PAYING.search(text))


def _spans(frame: TimeFrame | None) -> bool:
    """A week, a month, a year: a time over which things add up (not one day)."""
    return frame is not None and frame.period != "day"
