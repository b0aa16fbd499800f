"""What a question about one fact is about: its subject words, the way of asking taken out.

The planner's `subject_of` strips what every kind of question shares (what, who, my, the,
что, где, qué, 什么). A question about one fact also asks *which*, *when*, *what time*,
*whose*, *what it is called*, and says *our* and *now*: "Как зовут нашего сантехника?" is
about the plumber, "¿A qué hora recojo a los niños del cole?" about collecting the children
from school, "What time does the pool open now?" about the pool opening. Those words are
nowhere in the note that answers ("Новый сантехник — Рустам"), so a check that half of the
subject's words are in the evidence (answers/evidence.py `about`) would refuse it.
"""

from __future__ import annotations

import re

from knowledge.services.words.planning import subject_of

_ASKING = re.compile(
    "|".join(
        (
            r"\b(?:what time|what day|which day|what date|when|why|whose|which|name[sd]?"
            r"|called|our|your|his|her|their|its|it|to|at|from|with|by|now|currently|current"
            r"|these days|this|that|there|be|am|will|would|should|can|could|we|us|you|get"
            r"|say|says|said|tell|told|mention(?:ed)?)\b",
            r"\b(?:во сколько|в какой день|какого числа|на какое число|как(?:ой|ая|ое|ие|им|ую"
            r"|ом|ого|ому|их|ими)|кто|кому|кем|когда|как|зовут|звали|наш(?:а|е|и|его|ей|ему|им"
            r"|ими|их|у|ем)?|мо(?:его|ей|ему|им|ём|ю|ими|их)|тво(?:й|я|е|и|его|ей)|его|её|ее|их"
            r"|у|в|во|с|со|по|от|до|к|из|ли|это|этот|эта|эти|был|была|было|были|есть|сейчас"
            r"|теперь|сказал\w*|говорил\w*|писал\w*|написал\w*)\b",
            r"(?:\ba qué hora|\bqué hora|\bqué día|\bcuál(?:es)?|\bc[oó]mo|\bcu[aá]ndo"
            r"|\bqui[eé]n(?:es)?)\b|\b(?:se llama|llama|llaman|nuestr[oa]s?|su|sus|tu|tus|es"
            r"|son|era|eran|está|están|en|con|para|al|un|una|actual|ahora|tengo|tiene|dijo|dice"
            r"|comentó|contó|escribió)\b",
        )
    ),
    re.IGNORECASE,
)
# Chinese has no word breaks to strip a word at, and the planner's single characters ("花"
# spend, "过" past) are inside subjects ("花生过敏", peanut allergy): only whole ways of
# asking, longest first, and a few particles.
_ZH_ASKING = re.compile(
    r"什么时候|什么|为什么|怎么样|怎么|哪里|哪儿|哪个|哪家|哪天|几点|几号|多少钱|多少|多久|几"
    r"|现在|目前|我们的|我们|我的|你的|是谁|谁|说过|说|告诉|名字|叫|吗|呢|了|的|是|在|[？?。，,！!]"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def fact_subject(question: str) -> str:
    """The question's subject words, less its question words ("Как зовут нашего
    сантехника?" → "сантехника"); the planner's subject when nothing would be left."""
    if _CJK.search(question):
        rest = " ".join(_ZH_ASKING.sub(" ", question).split())
        return rest or question
    rest = subject_of(_ASKING.sub(" ", question))
    return rest or subject_of(question)
