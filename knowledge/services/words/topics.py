"""What a diary is asked about most: meals, the people met, exercise, money, recipes, in
en/ru/es/zh. A question names a topic by its words ("what did I eat", "с кем я
встречался", "¿cuántas veces salí a correr?", "我吃了什么"); an item belongs to it when it
holds one of the topic's markers ("Lunch: tomato soup", "Обед: борщ", "Cena: paella",
"午饭吃了饺子").

The multilingual embedder alone does not tie "what did I eat" to "Breakfast: salmon with
rice" (cosine 0.20, below unrelated pairs; bench/gathering.py), so these short word lists
carry the common topics, and meaning carries everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    asked: re.Pattern[str]  # in a question's subject
    marks: re.Pattern[str]  # in an item


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


_MEAL_WORDS = (
    r"\b(?:breakfast|brunch|lunch|dinner|supper|snack|meal|ate|eaten|cooked|soup|salad|sandwich"
    r"|pasta|pizza|rice|curry|stew|risotto|tacos?|pancakes?|porridge|oatmeal|noodles|burger"
    r"|steak|omelet\w*|toast|cake|eggs)\b"
    r"|\b(?:завтрак\w*|обед\w*|ужин\w*|перекус\w*|поел\w*|съел\w*|ел|ела|ели|приготовил\w*|суп"
    r"|борщ|каш\w+|гречк\w+|плов|пельмен\w+|блин\w*|сырник\w*|омлет|салат\w*|котлет\w*|рыб\w+"
    r"|творог\w*|овсянк\w+)\b"
    r"|\b(?:desayun\w*|comida|almuerzo|almorc\w*|almorz\w*|cena|cené|cenamos|cenar|merienda|comí"
    r"|comimos|cociné|preparé|paella|tortilla|gazpacho|lentejas|ensalada|pollo|merluza|tostadas"
    r"|croquetas|fabada|macarrones|churros|sopa|huevos)\b"
    r"|早餐|早饭|午饭|午餐|晚饭|晚餐|夜宵|吃|饺子|包子|面条|牛肉面|炒饭|米饭|粥|馄饨|豆腐|红烧肉|炒蛋|鸡丁|肉丝"
)
_MEET_WORDS = (
    r"\b(?:met|meet\w*|saw|seen|visited|coffee with|lunch with|dinner with|call with"
    r"|catch(?:ing)? up)\b"
    r"|\b(?:встрет\w+|встреча\w*|виделс\w+|видел\w*|созвонил\w*|созвонились|навестил\w*|в гостях)\b"
    r"|\b(?:qued[ée]\w*|reuni[óo]n|me vi|nos vimos|vi a|visité|tomar café con)\b"
    r"|见面|见了|见到|开会|碰面|拜访|约了|聚会|和.{1,4}(?:喝咖啡|吃饭)"
)
_RUN_WORDS = (
    r"\b(?:jog\w*|ran|run|running|race)\b|\b(?:бега\w*|бегал\w*|пробежк\w+|пробежал\w*)\b"
    r"|\b(?:corr\w+|carrera|trote)\b|跑步|跑了|慢跑"
)
_MONEY_WORDS = (
    r"\b(?:paid|pay|bought|spent|bill|cost|price|euros?|dollars?)\b|€|\$|₽"
    r"|\b(?:заплатил\w*|оплатил\w*|купил\w*|потратил\w*|сч[её]т|евро|руб\w*)\b"
    r"|\b(?:pagu[ée]|pagar|compr[ée]\w*|gast[ée]\w*|factura|euros?)\b|付|花了|欧元|元|买|电费|账单"
)
_RECIPE_WORDS = (
    r"\b(?:recipes?|ingredients?)\b|\b(?:рецепт\w*|ингредиент\w*)\b|\b(?:recetas?|ingredientes)\b"
    r"|食谱|菜谱|做法|配方"
)

TOPICS = (
    Topic(
        "meals",
        _any(
            r"\b(?:eat|ate|eaten|food|meals?|breakfast|lunch|dinner|supper|cook\w*)\b",
            r"\b(?:ел|ела|ели|еда|ед[уы]|питал\w*|завтрак\w*|обед\w*|ужин\w*|готовил\w*)\b",
            r"\b(?:com[ií]\w*|comida|cen[ée]\w*|cena|desayun\w*|almorc\w*|almuerzo|cocin\w*)\b",
            r"吃|饭|餐",
        ),
        re.compile(_MEAL_WORDS, re.IGNORECASE),
    ),
    Topic(
        "meetings",
        _any(
            r"\b(?:meet|met|meeting|see|saw|visit\w*|someone|people|friends?)\b",
            r"\b(?:встреча\w*|встречал\w*|виделс\w+|видел\w*|кем|кого)\b",
            r"\b(?:qued[ée]\w*|vi|ver|reuni\w*|quién|alguien|amigos?)\b",
            r"见|谁|朋友|开会",
        ),
        re.compile(_MEET_WORDS, re.IGNORECASE),
    ),
    Topic(
        "running",
        _any(
            r"\b(?:jog\w*|run\w*|ran)\b",
            r"\b(?:бега\w*|бегал\w*|пробежк\w+)\b",
            r"\b(?:corr\w+|carrera)\b",
            r"跑",
        ),
        re.compile(_RUN_WORDS, re.IGNORECASE),
    ),
    Topic(
        "recipes",
        _any(r"\brecipes?\b", r"\bрецепт\w*", r"\brecetas?\b", r"食谱|菜谱|做法"),
        re.compile(_RECIPE_WORDS, re.IGNORECASE),
    ),
    Topic(
        "spending",
        _any(
            r"\b(?:spend|spent|money|expenses?|purchases?)\b",
            r"\b(?:потратил\w*|траты|расход\w*)\b",
            r"\b(?:gast[ée]\w*|gastos?|dinero)\b",
            r"花了多少|开销|支出",
        ),
        re.compile(_MONEY_WORDS, re.IGNORECASE),
    ),
)
_DINNER = _any(r"\b(?:dinner|supper)\b", r"\bужин\w*", r"\bcen[ae]\w*|\bcené\b", r"晚饭|晚餐")
_LUNCH = _any(r"\blunch\b", r"\bобед\w*", r"\b(?:almuerzo|almorc\w*|comida)\b", r"午饭|午餐|中午")
_BREAKFAST = _any(r"\bbreakfast\b", r"\bзавтрак\w*", r"\bdesayun\w*", r"早餐|早饭")


def topic_of(subject: str) -> Topic | None:
    """The topic a question's subject names, if it names one of the common ones."""
    for topic in TOPICS:
        if topic.asked.search(subject):
            return topic
    return None


RECIPES = next(topic for topic in TOPICS if topic.name == "recipes")
MEALS = {"breakfast": _BREAKFAST, "lunch": _LUNCH, "dinner": _DINNER}


def meal_of(subject: str) -> re.Pattern[str] | None:
    """ "dinner", "ужин", "cena", "晚饭": only that meal is asked for."""
    for pattern in MEALS.values():
        if pattern.search(subject):
            return pattern
    return None
