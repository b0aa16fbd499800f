"""Diaries as people keep them, generated with their gold answers: four weeks of short notes
per person (meals, runs, meetings, bills with amounts, plans that name a coming day, a past
day told later, threads about a subject, photos with captions, voice notes, a document),
in en, ru, es, zh, and a mixed-language person; then questions of every kind with the
items that answer them, known by construction.

Items are short and plain, as typed into a chat; times scatter over the day. The same
seed gives the same diaries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Madrid")
START = date(2026, 11, 2)  # a Monday; four weeks to Sunday 2026-11-29
DAYS = 28
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZONE)  # the Monday after: questions are asked
LANGUAGES = ("en", "ru", "es", "zh")
HANDBOOK = -1  # the boat handbook's number among the gold items


@dataclass
class Item:
    n: int
    text: str
    written: datetime  # local
    kind: str  # note, voice, photo
    tags: set[str]
    about: date  # the day it is about
    amount: float | None = None


@dataclass
class Query:
    text: str
    kind: str  # fact, time, subject, summary, count, sum
    gold: set[int] = field(default_factory=set)
    count: int | None = None
    total: float | None = None


def _t(lang: str, table: dict[str, list[str]]) -> list[str]:
    return table[lang]


FOODS = {
    "en": [
        "tomato soup",
        "grilled cheese sandwich",
        "pasta carbonara",
        "chicken curry",
        "salmon with rice",
        "lentil stew",
        "a Greek salad",
        "pancakes",
        "oatmeal with berries",
        "beef tacos",
        "mushroom risotto",
        "a tuna sandwich",
    ],
    "ru": [
        "борщ",
        "гречку с котлетой",
        "пельмени",
        "омлет",
        "сырники",
        "плов",
        "салат оливье",
        "куриный суп",
        "блины",
        "овсянку с ягодами",
        "рыбу с картошкой",
        "творог",
    ],
    "es": [
        "tortilla de patatas",
        "paella",
        "gazpacho",
        "lentejas",
        "pollo asado",
        "una ensalada mixta",
        "churros con chocolate",
        "macarrones",
        "merluza a la plancha",
        "tostadas con tomate",
        "croquetas",
        "fabada",
    ],
    "zh": [
        "饺子",
        "番茄炒蛋",
        "牛肉面",
        "宫保鸡丁",
        "米饭和青菜",
        "包子",
        "炒饭",
        "麻婆豆腐",
        "馄饨",
        "粥",
        "红烧肉",
        "鱼香肉丝",
    ],
}
MEALS = {
    "en": [
        "Breakfast: {f}",
        "Lunch: {f}",
        "Dinner: {f}",
        "Had {f} for lunch",
        "Cooked {f} for dinner",
    ],
    "ru": ["Завтрак: {f}", "Обед: {f}", "Ужин: {f}", "На обед ел {f}", "Приготовил на ужин {f}"],
    "es": ["Desayuno: {f}", "Comida: {f}", "Cena: {f}", "Almorcé {f}", "Cené {f}"],
    "zh": ["早餐：{f}", "午饭吃了{f}", "晚饭吃了{f}", "中午吃{f}", "晚上做了{f}"],
}
MEAL_HOURS = [8, 13, 20, 13, 20]
PEOPLE = {
    "en": ["Tom", "Anna", "Marta", "Li Wei", "Sam"],
    "ru": ["Олегом", "Аней", "Мартой", "Сергеем", "Катей"],
    "es": ["Tomás", "Ana", "Marta", "Luis", "Carmen"],
    "zh": ["李伟", "王芳", "玛尔塔", "张强", "小陈"],
}
MEET = {
    "en": ["Met {p} for coffee", "Lunch meeting with {p} about the project", "Saw {p} at the gym"],
    "ru": ["Встретился с {p} в кафе", "Созвонились с {p} по проекту", "Видел {p} в спортзале"],
    "es": [
        "Quedé con {p} para tomar café",
        "Reunión con {p} sobre el proyecto",
        "Vi a {p} en el gimnasio",
    ],
    "zh": ["和{p}见面喝咖啡", "跟{p}开会讨论项目", "在健身房见到{p}"],
}
RUN = {
    "en": ["Went jogging, {k} km", "Morning run {k} km", "Went jogging"],
    "ru": ["Бегал {k} км", "Утренняя пробежка {k} км", "Сходил на пробежку"],
    "es": ["Salí a correr {k} km", "Carrera de la mañana, {k} km", "Salí a correr"],
    "zh": ["跑步{k}公里", "早上跑了{k}公里", "去跑步了"],
}
BILLS = {  # (tag, templates)
    "plumber": {
        "en": "Paid the plumber {a} euros",
        "ru": "Заплатил сантехнику {a} евро",
        "es": "Pagué al fontanero {a} euros",
        "zh": "付给水管工{a}欧元",
    },
    "electricity": {
        "en": "Electricity bill: {a} euros",
        "ru": "Счёт за электричество: {a} евро",
        "es": "Factura de la luz: {a} euros",
        "zh": "电费{a}欧元",
    },
    "groceries": {
        "en": "Groceries at the market, {a} euros",
        "ru": "Продукты на рынке, {a} евро",
        "es": "Compra en el mercado, {a} euros",
        "zh": "在市场买菜花了{a}欧元",
    },
}
THREADS = {
    "cabin": {
        "en": [
            "The cabin roof needs new shingles",
            "Cabin key is with the neighbour, Mr. Olsen",
            "Ordered two cubic metres of firewood for the cabin",
            "The cabin well pump makes a noise again",
            "Painted the cabin porch green",
        ],
        "ru": [
            "На даче надо перекрыть крышу",
            "Ключ от дачи у соседа, Петровича",
            "Заказал на дачу два куба дров",
            "На даче опять шумит насос",
            "Покрасил крыльцо на даче в зелёный",
        ],
        "es": [
            "El tejado de la cabaña necesita tejas nuevas",
            "La llave de la cabaña la tiene el vecino, Julián",
            "Pedí dos metros cúbicos de leña para la cabaña",
            "La bomba del pozo de la cabaña vuelve a hacer ruido",
            "Pinté de verde el porche de la cabaña",
        ],
        "zh": [
            "小木屋的屋顶要换新瓦",
            "小木屋的钥匙在邻居老王那里",
            "给小木屋订了两立方米木柴",
            "小木屋的水泵又有噪音了",
            "把小木屋的门廊刷成了绿色",
        ],
    },
    "renovation": {
        "en": [
            "Kitchen renovation: chose white tiles",
            "Renovation: the electrician comes to rewire the kitchen",
            "Renovation budget is 12000 euros",
            "Picked oak for the kitchen floor renovation",
        ],
        "ru": [
            "Ремонт кухни: выбрали белую плитку",
            "Ремонт: электрик придёт менять проводку на кухне",
            "Бюджет ремонта 12000 евро",
            "Для ремонта пола на кухне выбрали дуб",
        ],
        "es": [
            "Reforma de la cocina: elegimos azulejos blancos",
            "Reforma: el electricista viene a cambiar el cableado de la cocina",
            "El presupuesto de la reforma es 12000 euros",
            "Elegimos roble para el suelo en la reforma de la cocina",
        ],
        "zh": [
            "厨房装修：选了白色瓷砖",
            "装修：电工来换厨房的电线",
            "装修预算是12000欧元",
            "厨房地板装修选了橡木",
        ],
    },
    "recipes": {
        "en": [
            "Recipe: banana bread, 3 bananas, 250 g flour, 2 eggs",
            "Recipe for gazpacho: tomatoes, cucumber, pepper, olive oil",
            "Recipe: lemon cake with yoghurt",
        ],
        "ru": [
            "Рецепт: банановый хлеб, 3 банана, 250 г муки, 2 яйца",
            "Рецепт гаспачо: помидоры, огурец, перец, оливковое масло",
            "Рецепт: лимонный кекс на йогурте",
        ],
        "es": [
            "Receta: pan de plátano, 3 plátanos, 250 g de harina, 2 huevos",
            "Receta de gazpacho: tomates, pepino, pimiento, aceite de oliva",
            "Receta: bizcocho de limón con yogur",
        ],
        "zh": [
            "食谱：香蕉面包，3根香蕉，250克面粉，2个鸡蛋",
            "西班牙冷汤的做法：番茄、黄瓜、青椒、橄榄油",
            "食谱：酸奶柠檬蛋糕",
        ],
    },
}
NOISE = {
    "en": [
        "Read 30 pages of Piranesi",
        "Rainy all day",
        "Called mom",
        "Watched a documentary about whales",
        "Wi-Fi password at home is {c}",
        "Car insurance renews in March",
        "Idea: a shelf above the desk",
    ],
    "ru": [
        "Прочитал 30 страниц Пиранези",
        "Весь день дождь",
        "Позвонил маме",
        "Смотрел фильм про китов",
        "Пароль от домашнего вайфая {c}",
        "Страховка машины продлевается в марте",
        "Идея: полка над столом",
    ],
    "es": [
        "Leí 30 páginas de Piranesi",
        "Llovió todo el día",
        "Llamé a mamá",
        "Vi un documental sobre ballenas",
        "La contraseña del wifi de casa es {c}",
        "El seguro del coche se renueva en marzo",
        "Idea: una estantería encima del escritorio",
    ],
    "zh": [
        "读了30页《皮拉内西》",
        "下了一整天雨",
        "给妈妈打了电话",
        "看了一部关于鲸鱼的纪录片",
        "家里的无线密码是{c}",
        "车险三月续保",
        "想法：在书桌上方装个架子",
    ],
}
PLANS = {  # written before the day they name; about that day (a dinner is a meal)
    "en": ("Dinner at grandma's on {w} at 19:00", {"meal", "plan"}),
    "ru": ("Ужин у бабушки в {w} в 19:00", {"meal", "plan"}),
    "es": ("Cena en casa de la abuela el {w} a las 19:00", {"meal", "plan"}),
    "zh": ("{w}晚上七点去奶奶家吃晚饭", {"meal", "plan"}),
}
TOLD_LATER = {  # written after the day it names
    "en": "On {w} I went to the cinema with Anna",
    "ru": "В {w} ходил в кино с Аней",
    "es": "El {w} fui al cine con Ana",
    "zh": "{w}和王芳去看了电影",
}
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "ru": ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}
PHOTOS = {
    "en": ["Sunset over the lake", "My new bike", "Snow on the mountains"],
    "ru": ["Закат над озером", "Мой новый велосипед", "Снег в горах"],
    "es": ["Atardecer sobre el lago", "Mi bici nueva", "Nieve en las montañas"],
    "zh": ["湖上的日落", "我的新自行车", "山上的雪"],
}


def diary(person: str, seed: int) -> list[Item]:
    """Four weeks of one person's items; `person` is a language or "mixed"."""
    rng = random.Random(seed)
    items: list[Item] = []

    def lang() -> str:
        return rng.choice(LANGUAGES) if person == "mixed" else person

    def add(
        text: str,
        day: date,
        hour: int,
        tags: set[str],
        *,
        kind: str = "note",
        about: date | None = None,
        amount: float | None = None,
    ) -> None:
        written = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=ZONE)
        items.append(Item(len(items), text, written, kind, tags, about or day, amount))

    empty_day = START + timedelta(days=rng.randrange(3, DAYS - 3))
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        if day == empty_day:
            continue  # a day with nothing noted
        for index in rng.sample(range(5), rng.randint(2, 4)):  # meals
            language = lang()
            text = MEALS[language][index].format(f=rng.choice(FOODS[language]))
            add(text, day, MEAL_HOURS[index], {"meal"})
        if rng.random() < 0.4:
            language = lang()
            add(rng.choice(RUN[language]).format(k=rng.randint(3, 12)), day, 7, {"run"})
        if rng.random() < 0.5:
            language = lang()
            person_name = rng.choice(PEOPLE[language])
            hour = rng.choice([10, 11, 17])
            tags = {"meet", "morning" if hour < 12 else "afternoon"}
            if "Marta" in person_name or "Мартой" in person_name or "玛尔塔" in person_name:
                tags.add("marta")
            add(rng.choice(MEET[language]).format(p=person_name), day, hour, tags)
        if rng.random() < 0.35:
            tag = rng.choice(list(BILLS))
            language = lang()
            value = round(rng.uniform(12, 140), 2 if rng.random() < 0.5 else 0)
            shown = f"{value:.2f}" if value != int(value) else str(int(value))
            add(BILLS[tag][language].format(a=shown), day, 18, {"bill", tag}, amount=value)
        if rng.random() < 0.6:
            language = lang()
            add(rng.choice(NOISE[language]).format(c=rng.randint(1000, 9999)), day, 21, {"noise"})
        if rng.random() < 0.12:
            language = lang()
            add(rng.choice(PHOTOS[language]), day, 17, {"photo"}, kind="photo")
        if offset % 4 == 1:  # a thread about a subject
            subject = list(THREADS)[offset // 4 % 3]
            language = lang()
            done = sum(1 for item in items if subject in item.tags)
            texts = THREADS[subject][language]
            add(texts[done % len(texts)], day, 19, {subject}, kind="voice" if done == 2 else "note")
    for week in range(4):  # each week: a plan noted ahead, an outing told later
        noted = START + timedelta(days=7 * week + 2)  # Wednesday
        language = lang()
        saturday = noted + timedelta(days=3)
        text, tags = PLANS[language]
        add(text.format(w=WEEKDAYS[language][5]), noted, 9, set(tags), about=saturday)
        told = START + timedelta(days=7 * week + 3)  # Thursday, about Monday
        language = lang()
        add(
            TOLD_LATER[language].format(w=WEEKDAYS[language][0]),
            told,
            22,
            {"outing"},
            about=told - timedelta(days=3),
        )
    ordered = sorted(items, key=lambda item: item.written)
    for number, item in enumerate(ordered):
        item.n = number
    return ordered


Q_TIME = {
    "en": [
        "What did I eat on {w}?",
        "What did I do on {w}?",
        "Who did I meet on {w}?",
        "What did I have for dinner on {w}?",
    ],
    "ru": [
        "Что я ел в {w}?",
        "Что я делал в {w}?",
        "С кем я встречался в {w}?",
        "Что я ел на ужин в {w}?",
    ],
    "es": [
        "¿Qué comí el {w}?",
        "¿Qué hice el {w}?",
        "¿Con quién me vi el {w}?",
        "¿Qué cené el {w}?",
    ],
    "zh": ["我{w}吃了什么？", "我{w}做了什么？", "我{w}见了谁？", "我{w}晚饭吃了什么？"],
}
Q_TIME_TAGS = ["meal", None, "meet", "dinner"]
Q_WEEK = {
    "en": ["What did I do last weekend?", "What did I eat last week?"],
    "ru": ["Что я делал на прошлых выходных?", "Что я ел на прошлой неделе?"],
    "es": ["¿Qué hice el fin de semana pasado?", "¿Qué comí la semana pasada?"],
    "zh": ["我上周末做了什么？", "我上周吃了什么？"],
}
Q_SUBJECT = {  # phrasings, then each subject's words in the form they take there
    "en": [
        "Tell me everything I noted about {0}.",
        "What do I know about {0}?",
        "All my notes about {0}",
    ],
    "ru": ["Расскажи всё, что я записал про {0}", "Что я знаю о {1}?", "Все мои заметки про {0}"],
    "es": ["Todo lo que anoté sobre {0}", "¿Qué sé de {0}?", "Todas mis notas sobre {0}"],
    "zh": ["关于{0}的所有记录", "关于{0}我记了什么？", "给我看关于{0}的全部内容"],
}
SUBJECT_WORDS = {
    "cabin": {"en": ["the cabin"], "ru": ["дачу", "даче"], "es": ["la cabaña"], "zh": ["小木屋"]},
    "renovation": {
        "en": ["the renovation"],
        "ru": ["ремонт", "ремонте"],
        "es": ["la reforma"],
        "zh": ["装修"],
    },
    "recipes": {
        "en": ["my recipes"],
        "ru": ["рецепты", "рецептах"],
        "es": ["mis recetas"],
        "zh": ["食谱"],
    },
    "marta": {"en": ["Marta"], "ru": ["Марту", "Марте"], "es": ["Marta"], "zh": ["玛尔塔"]},
    "boat": {"en": ["the boat"], "ru": ["лодку", "лодке"], "es": ["el barco"], "zh": ["船"]},
}
Q_SUBJECT_TAGS = ["cabin", "renovation", "recipes", "marta", "boat"]
SPANS = {  # (words, which days): November, last week, this month, last weekend
    "en": ["in November", "last week", "this month", "last weekend"],
    "ru": ["в ноябре", "на прошлой неделе", "в этом месяце", "на прошлых выходных"],
    "es": ["en noviembre", "la semana pasada", "este mes", "el fin de semana pasado"],
    "zh": ["11月", "上周", "这个月", "上周末"],
}
Q_COUNT = {  # a template per tag: run, meet, plumber, groceries
    "en": [
        "How many times did I go jogging {s}?",
        "How many times did I meet someone {s}?",
        "How many times did I pay the plumber {s}?",
        "How many times did I buy groceries {s}?",
    ],
    "ru": [
        "Сколько раз я бегал {s}?",
        "Сколько раз я с кем-то встречался {s}?",
        "Сколько раз я платил сантехнику {s}?",
        "Сколько раз я покупал продукты {s}?",
    ],
    "es": [
        "¿Cuántas veces salí a correr {s}?",
        "¿Cuántas veces quedé con alguien {s}?",
        "¿Cuántas veces pagué al fontanero {s}?",
        "¿Cuántas veces hice la compra {s}?",
    ],
    "zh": [
        "我{s}跑了几次步？",
        "我{s}见了几次朋友？",
        "我{s}付了几次水管工的钱？",
        "我{s}买了几次菜？",
    ],
}
COUNT_TAGS = ["run", "meet", "plumber", "groceries"]
PARTS = {
    "plumber": {"en": "the plumber", "ru": "сантехника", "es": "el fontanero", "zh": "水管工"},
    "electricity": {"en": "electricity", "ru": "электричество", "es": "la luz", "zh": "电费"},
    "groceries": {"en": "groceries", "ru": "продукты", "es": "la compra", "zh": "买菜"},
}
Q_SUM_TWO = {
    "en": "How much did I pay in total for {a} and {b} {s}?",
    "ru": "Сколько я заплатил в сумме за {a} и {b} {s}?",
    "es": "¿Cuánto pagué en total por {a} y {b} {s}?",
    "zh": "我{s}{a}和{b}一共花了多少钱？",
}
Q_SUM_ONE = {
    "en": "How much did I spend on {a} {s}?",
    "ru": "Сколько я потратил на {a} {s}?",
    "es": "¿Cuánto gasté en {a} {s}?",
    "zh": "我{s}{a}一共花了多少钱？",
}
SUM_TAGS = [
    ("plumber", "electricity"),
    ("groceries",),
    ("electricity",),
    ("plumber",),
    ("electricity", "groceries"),
]
Q_FACT = {
    "en": [
        "What is the Wi-Fi password at home?",
        "Who has the cabin key?",
        "When does the car insurance renew?",
        "What is the renovation budget?",
        "What time is dinner at grandma's on Saturday?",
    ],
    "ru": [
        "Какой пароль от вайфая?",
        "У кого ключ от дачи?",
        "Когда продлевается страховка машины?",
        "Какой бюджет ремонта?",
        "Во сколько ужин у бабушки в субботу?",
    ],
    "es": [
        "¿Cuál es la contraseña del wifi?",
        "¿Quién tiene la llave de la cabaña?",
        "¿Cuándo se renueva el seguro del coche?",
        "¿Cuál es el presupuesto de la reforma?",
        "¿A qué hora es la cena en casa de la abuela el sábado?",
    ],
    "zh": [
        "家里的无线密码是多少？",
        "小木屋的钥匙在谁那里？",
        "车险什么时候续保？",
        "装修预算是多少？",
        "周六几点去奶奶家吃饭？",
    ],
}
Q_SUMMARY = {
    "en": ["Summarize the boat handbook.", "Give me a summary of the boat handbook"],
    "ru": ["Перескажи руководство по лодке", "Сделай краткое содержание руководства по лодке"],
    "es": ["Resume el manual del barco", "Dame un resumen del manual del barco"],
    "zh": ["总结一下船的手册", "船的手册讲了什么"],
}


def questions(items: list[Item], person: str, seed: int) -> list[Query]:
    """Questions of every kind with their gold items; `person` picks the languages asked in
    (a mixed-language person is asked in all four)."""
    rng = random.Random(seed + 1)
    asked = list(LANGUAGES) if person == "mixed" else [person]
    found: list[Query] = []
    last_monday = NOW.date() - timedelta(days=7)
    last_week = {last_monday + timedelta(days=n) for n in range(7)}
    for lang in asked:
        days = rng.sample(range(7), 7) if person != "mixed" else rng.sample(range(7), 2)
        for weekday in days[: 4 if person != "mixed" else 2]:
            day = last_monday + timedelta(days=weekday)
            for template, tag in zip(Q_TIME[lang], Q_TIME_TAGS, strict=True):
                gold = {i.n for i in items if i.about == day and _tagged(i, tag)}
                found.append(Query(template.format(w=WEEKDAYS[lang][weekday]), "time", gold))
        weekend = {last_monday + timedelta(days=5), last_monday + timedelta(days=6)}
        found.append(Query(Q_WEEK[lang][0], "time", {i.n for i in items if i.about in weekend}))
        found.append(
            Query(
                Q_WEEK[lang][1],
                "time",
                {i.n for i in items if i.about in last_week and "meal" in i.tags},
            )
        )
        for tag in Q_SUBJECT_TAGS:
            gold = {i.n for i in items if tag in i.tags} | ({HANDBOOK} if tag == "boat" else set())
            forms = SUBJECT_WORDS[tag][lang]
            for template in Q_SUBJECT[lang]:
                found.append(Query(template.format(*forms, *forms), "subject", gold))
        spans = _spans()
        for template, tag in zip(Q_COUNT[lang], COUNT_TAGS, strict=True):
            for words, span in zip(SPANS[lang], spans, strict=True):
                gold = {i.n for i in items if tag in i.tags and i.about in span}
                found.append(Query(template.format(s=words), "count", gold, count=len(gold)))
        for tags in SUM_TAGS:
            for words, span in list(zip(SPANS[lang], spans, strict=True))[:3]:
                names = [PARTS[tag][lang] for tag in tags]
                if len(names) == 2:
                    text = Q_SUM_TWO[lang].format(a=names[0], b=names[1], s=words)
                else:
                    text = Q_SUM_ONE[lang].format(a=names[0], s=words)
                gold = {i.n for i in items if set(tags) & i.tags and i.about in span}
                total = round(sum(items[n].amount or 0 for n in gold), 2)
                found.append(Query(text, "sum", gold, total=total))
        found.extend(Query(text, "fact") for text in Q_FACT[lang])
        found.extend(Query(text, "summary") for text in Q_SUMMARY[lang])
    return found


def _spans() -> list[set[date]]:
    """The days of November, of last week, of this month (November too), of last weekend."""
    november = {date(2026, 11, 1) + timedelta(days=n) for n in range(30)}
    last_monday = NOW.date() - timedelta(days=7)
    last_week = {last_monday + timedelta(days=n) for n in range(7)}
    weekend = {last_monday + timedelta(days=5), last_monday + timedelta(days=6)}
    return [november, last_week, november, weekend]


def _tagged(item: Item, tag: str | None) -> bool:
    if tag is None:
        return True
    if tag == "dinner":
        return "meal" in item.tags and (item.written.hour >= 18 or "plan" in item.tags)
    return tag in item.tags


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
