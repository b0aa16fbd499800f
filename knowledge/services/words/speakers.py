"""Whose words: a question about the asker's own doings ("where did I go yesterday?",
"¿dónde estuve ayer?", "我昨天去哪儿了？") against one about what someone said ("what did
Anna say about the flight?"), and who said a retrieved line (a note's chunks are headed by
their `origin`: services/keeping/said.py). Another person's "I went to the doctor
yesterday" never answers the first kind."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.domain.model import Hit
from knowledge.services.words.language import guess_language

_FIRST_PERSON = {
    "en": r"\b(?:i|me|my|mine|myself|i'm|i've|i'd|i'll)\b",
    "ru": r"(?<!\w)(?:я|меня|мне|мной|мой|моя|моё|мое|мои|моего|моей|моих|моим|моему|"
    r"сам|сама)(?!\w)",
    "es": r"\b(?:yo|me|mi|mis|mí|conmigo|fui|estuve|hice|comí|compré|tengo|tuve|dejé|pagué|"
    r"llamé|vi|quedé|he|había)\b",
    "zh": r"我(?!们)",
}
_SAYING = {
    "en": r"\b(?:say|said|says|tell|told|tells|write|wrote|writes|mention\w*|ask|asked|"
    r"text(?:ed)?|message[sd]?)\b",
    "ru": r"(?:сказал|говорил|писал|рассказ|упомина|упомянул|спрашива|спросил|просил|сообщ)",
    "es": r"\b(?:dijo|dice|decía|contó|cuenta|escribió|mencionó|preguntó|pidió|comentó|"
    r"avisó|mandó)\b",
    "zh": r"(?:说|告诉|写|提到|问|讲|发消息)",
}
_COMPILED = {
    lang: (re.compile(_FIRST_PERSON[lang], re.I), re.compile(_SAYING[lang], re.I))
    for lang in _FIRST_PERSON
}
SPOKEN_KINDS = ("note", "voice")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ACCORDING = re.compile(r"according to|по словам|seg[úu]n|据.{1,8}说", re.IGNORECASE)


def about_oneself(question: str) -> bool:
    """A question about the asker's own life ("where did I go?", "куда я ходил?"), not
    about what someone said or wrote ("what did Anna tell me?")."""
    first, saying = _COMPILED.get(guess_language(question), _COMPILED["en"])
    return bool(first.search(question)) and not saying.search(question)


def said_by(hit: Hit) -> str | None:
    """Who said a retrieved note or voice note, when not the user (None: the user's own)."""
    return hit.heading if hit.source_kind in SPOKEN_KINDS and hit.heading else None


def speakers_of(hits: Iterable[Hit]) -> set[str]:
    """Everyone other than the user who said one of these lines."""
    return {who for hit in hits if (who := said_by(hit))}


def spoken(hit: Hit, text: str) -> str:
    """A line of memory with who said it in front ("Anna: The flight is at 7")."""
    who = said_by(hit)
    return f"{who}: {text}" if who else text


def names(question: str, who: str) -> bool:
    """Does the question name this person? By any word of the name, inflected as Russian
    names are ("Анна": "Анны", "Анне", "Анной"): its first letters but the last, and at
    most two more ("Tom" is not in "tomorrow", "Ana" not in "banana", "Al" not in "all")."""
    asked = question.casefold()
    for written in re.findall(r"\w+", who):
        word = written.casefold()
        stem = word[:-1] if len(word) >= 4 else word
        if len(stem) < 2:
            continue
        if _CJK.match(stem) and stem in asked:  # no word breaks to start at
            return True
        if len(word) <= 3:  # a short name as written, capital and all ("Al" is not "al")
            if re.search(rf"(?<!\w){re.escape(written)}(?:'?s)?(?!\w)", question):
                return True
            continue
        if re.search(rf"(?<!\w){re.escape(stem)}\w{{0,2}}(?!\w)", asked):
            return True
    return False


# Words before a name that make it who the question is about doing or saying ("did Anna
# pay"), in English; and before or after a name that make it not ("for Anna", "de Lucía",
# "王伟的", "给王伟").
_EN_DOER = re.compile(
    r"(?:^|\b(?:did|does|do|has|have|had|is|was|were|will|would|can|could|should)\s+)$",
    re.IGNORECASE,
)
_ES_NOT_DOER = re.compile(r"\b(?:de|del|a|al|para|con|sobre|por|según|segun)\s+$", re.I)
_ZH_NOT_DOER_BEFORE = re.compile(r"[给和跟对向替帮为问]$")
_WE = re.compile(
    r"\b(?:we|us|our|ours)\b|(?<!\w)(?:мы|нас|нам|наш\w*)(?!\w)"
    r"|\b(?:nosotr[oa]s|nuestr[oa]s?|pagamos|gastamos|fuimos)\b|我们",
    re.IGNORECASE,
)


def names_as_doer(question: str, who: str) -> bool:
    """Does the question ask what this person did or said ("How much did Anna pay?",
    "Сколько Ольга заплатила?", "¿Cuánto pagó Lucía?", "王伟说…"), rather than name them
    another way ("Anna's birthday", "a gift for Anna", "подарок для Анны", "王伟的妈妈")?
    A Russian name in its own form (nominative); an English one after an auxiliary or
    first; a Spanish or Chinese one not after a preposition (nor before 的)."""
    language = guess_language(question)
    for word in re.findall(r"\w+", who):
        if len(word) < 2:
            continue
        if _CJK.match(word):
            at = question.find(word)
            possessed = question[at + len(word) :].startswith("的")
            if at >= 0 and not possessed and not _ZH_NOT_DOER_BEFORE.search(question[:at]):
                return True
            continue
        flags = 0 if len(word) <= 3 else re.IGNORECASE  # "Al" is not "al"
        for found in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)(?!['’]s)", question, flags):
            before = question[: found.start()].lstrip("¿¡ ")
            if language == "en" and not _EN_DOER.search(before):
                continue
            if language == "es" and _ES_NOT_DOER.search(before):
                continue
            return True
    return False


def asks_what_was_said(question: str) -> bool:
    """Does the question ask what someone said or wrote ("What did Anna say…?", "…, по
    словам Ольги?", "según Lucía", "王伟说…")?"""
    saying = _COMPILED.get(guess_language(question), _COMPILED["en"])[1]
    return bool(saying.search(question) or _ACCORDING.search(question))


def answers_for(question: str, who: str | None) -> bool:
    """Can words `who` said (None: the user's own) answer this question? Another person's
    cannot answer a question about the asker's own life that does not name them."""
    return not who or not about_oneself(question) or names(question, who)


def whose(question: str, speakers: Iterable[str | None]) -> str | None:
    """The other person a question asks about ("How much did Olga pay?", "Сколько Ольга
    заплатила за билеты?"), among those whose words memory holds; None for a question
    about the asker's own doings ("How much did I pay?")."""
    if about_oneself(question) or _WE.search(question):
        return None
    return next((who for who in speakers if who and names_as_doer(question, who)), None)


def named_in(question: str, hits: Iterable[Hit]) -> set[str]:
    """The people who said these lines whose doings or words the question asks about
    ("Сколько Ольга заплатила…", "What did Anna say…", "según Lucía"), not those it only
    names ("When is Anna's birthday?")."""
    source = asks_what_was_said(question)
    return {
        who
        for who in speakers_of(hits)
        if names_as_doer(question, who) or (source and names(question, who))
    }


def not_theirs(question: str, hit: Hit) -> bool:
    """A line another person said, which cannot answer this question about the asker."""
    return not answers_for(question, said_by(hit))
