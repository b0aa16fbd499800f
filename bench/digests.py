"""Digests of generated days through mnemo's real path: every item in, nothing invented.

Days in en/ru/es/zh and mixed, of 3, 15 and 60 items: short notes, long notes (recipes,
minutes), captioned photos and photos of recipes read by OCR, and small documents, each
ingested for real at its own time. Each day's digest is rendered as the bot sends it, then
checked against the items: every item present with its time (coverage, times kept), and
every line supported by its item (its words and numbers found there, checked here
independently of the summarizer's own check). Latency: one user's digest with the lines
made when the items arrived (as the bot does) and with none made before; and 50 users due
at the same minute, with a question asked meanwhile.

    .venv/bin/python -m bench.digests [--sizes 3,15,60] [--languages en,ru,es,zh,mixed]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine
from PIL import Image, ImageDraw, ImageFont

from bench.common import finish, scratch_install, table
from knowledge.bootstrap import Services
from knowledge.services.answers.answering import Answer
from knowledge.services.llm.fair_queue import ASKED, SCHEDULED
from knowledge.services.sending.digest import Digest
from present.render import digest_html

DAY = date(2026, 11, 20)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")

SHORT = {
    "en": [
        "Breakfast: porridge with banana and black coffee",
        "Call the plumber about the kitchen tap",
        "Paid 42 euros for the gas bill",
        "Lunch: chicken salad at the office canteen",
        "Meeting with Sam moved to Friday 10:30",
        "Bought milk, eggs and rye bread",
        "Ran 5 km along the river in 31 minutes",
        "Dinner: spaghetti with tomato sauce",
    ],
    "ru": [
        "Завтрак: овсянка с бананом и чёрный кофе",
        "Позвонить сантехнику насчёт крана на кухне",
        "Заплатил 1800 рублей за газ",
        "Обед: борщ со сметаной и чёрный хлеб",
        "Встреча с Олегом перенесена на пятницу 10:30",
        "Купил молоко, яйца и ржаной хлеб",
        "Пробежал 5 км вдоль реки за 31 минуту",
        "Ужин: гречка с грибами",
    ],
    "es": [
        "Desayuno: tostada con tomate y café con leche",
        "Llamar al fontanero por el grifo de la cocina",
        "Pagué 42 euros de la factura del gas",
        "Comida: lentejas con chorizo en casa de mamá",
        "Reunión con Marta movida al viernes 10:30",
        "Compré leche, huevos y pan de centeno",
        "Corrí 5 km junto al río en 31 minutos",
        "Cena: tortilla de patatas y ensalada",
    ],
    "zh": [
        "早饭：小米粥和包子",
        "给水管工打电话修厨房水龙头",
        "交了 260 元燃气费",
        "午饭：公司食堂的宫保鸡丁",
        "和小王的会议改到周五 10:30",
        "买了牛奶、鸡蛋和面包",
        "沿着河边跑了 5 公里，用时 31 分钟",
        "晚饭：饺子和酸辣汤",
    ],
}
LONG = {
    "en": (
        "Recipe for the lentil soup from Anna: 250 g red lentils, 1 onion, 2 carrots, 2 "
        "cloves of garlic, 1 litre of stock and a teaspoon of cumin. Fry the onion and "
        "carrots for 5 minutes, add garlic and cumin, then the lentils and stock, and simmer "
        "for 25 minutes. Blend half of it and finish with lemon juice."
    ),
    "ru": (
        "Рецепт сырников от бабушки: 400 г творога, 2 яйца, 3 столовые ложки муки, 1 ложка "
        "сахара и щепотка соли. Смешать творог с яйцами и сахаром, добавить муку, сформовать "
        "сырники и жарить по 3 минуты с каждой стороны на среднем огне. Подавать со "
        "сметаной или вареньем."
    ),
    "es": (
        "Acta de la reunión de vecinos: la derrama para el ascensor será de 320 euros por "
        "piso, en dos pagos, en enero y en marzo. La obra empieza el 15 de febrero y dura "
        "seis semanas. Durante la obra se podrá usar la escalera B. Próxima reunión el 10 "
        "de abril a las 19:00."
    ),
    "zh": (
        "家长会记录：秋游定在 12 月 12 日，每个孩子费用 35 元，12 月 1 日前交齐。孩子需要"
        "带午饭、雨衣和运动鞋。早上 8 点 15 分在学校正门集合上车，下午 4 点返回学校。"
        "如果下雨，秋游改到下周五。另外，下学期的家长开放日安排在 3 月 6 日上午，"
        "每位家长可以旁听两节课。学校提醒大家冬天注意保暖，孩子的水杯和毛巾要写上名字，"
        "校服统一在 12 月 20 日前订购，每套 180 元。"
    ),
}
CAPTIONS = {
    "en": "lunch at the Thai place",
    "ru": "обед в грузинском кафе",
    "es": "paella del domingo",
    "zh": "周末做的红烧肉",
}
RECIPE_PHOTO = {
    "en": "Pancakes\n2 eggs, 300 ml milk\n150 g flour",
    "ru": "Блины\n2 яйца, 500 мл молока\n200 г муки",
    "es": "Tortitas\n2 huevos, 300 ml de leche\n150 g de harina",
    "zh": "煎饼\n鸡蛋 2 个\n牛奶 300 毫升",
}
DOCUMENT = {
    "en": "# Warranty\n\nThe dishwasher warranty lasts 24 months from 3 March 2026.\n",
    "ru": "# Гарантия\n\nГарантия на посудомойку действует 24 месяца с 3 марта 2026 года.\n",
    "es": "# Garantía\n\nLa garantía del lavavajillas dura 24 meses desde el 3 de marzo.\n",
    "zh": "# 保修\n\n洗碗机保修期为 24 个月，从 2026 年 3 月 3 日起。\n",
}


def make_photo(path: Path, text: str | None, seed: int) -> Path:
    """A photo: of a written recipe, or of a plate (no text; its colours make it unique, so
    the store does not take two for one file)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (900, 420), "white")
    draw = ImageDraw.Draw(image)
    if text:
        font = ImageFont.truetype(str(FONT), 44)
        draw.multiline_text((40, 40), text, fill="black", font=font, spacing=18)
    else:
        colour = tuple(rng.randrange(80, 240) for _ in range(3))
        draw.ellipse((250, 40, 650, 380), fill=colour)  # type: ignore[arg-type]
    image.putpixel((899, 419), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image.save(path)
    return path


def ingest_day(
    services: Services, user: int, language: str, size: int, folder: Path, seed: int
) -> list[int]:
    """`size` items of one day at increasing local times; returns their document ids."""
    rng = random.Random(seed)
    languages = ["en", "ru", "es", "zh"] if language == "mixed" else [language]
    moment = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
    ids = []
    for n in range(size):
        moment += timedelta(minutes=rng.randint(3, max(4, 900 // size)))
        lang = languages[n % len(languages)]
        kind = rng.choices(["short", "long", "caption", "recipe", "document"], [6, 2, 1, 1, 1])[0]
        with time_machine.travel(moment, tick=False):
            if kind == "short":
                text = f"{rng.choice(SHORT[lang])} ({n})"
                result = services.keeping.ingestor.add_note(user, text)
            elif kind == "long":
                result = services.keeping.ingestor.add_note(user, f"{LONG[lang]} ({n})")
            elif kind == "document":
                path = folder / f"doc-{user}-{n}.md"
                path.write_text(DOCUMENT[lang] + f"\nCopy {n}.\n", encoding="utf-8")
                result = services.keeping.ingestor.ingest_file(user, path)
            else:
                text = RECIPE_PHOTO[lang] if kind == "recipe" else None
                path = make_photo(folder / f"photo-{user}-{n}.png", text, seed * 1000 + n)
                caption = f"{CAPTIONS[lang]} {n}" if kind == "caption" else None
                result = services.keeping.ingestor.ingest_file(user, path, caption=caption)
        ids.append(result.doc_id)
    return ids


def check(services: Services, digest: Digest) -> dict[str, int]:
    """Coverage, kept times and supported lines, read off the rendered messages."""
    sent = html.unescape("\n".join(digest_html(digest, digest.day, "en")))
    covered = times = unsupported = 0
    for item in digest.items:
        line = f"{item.at:%H:%M} "
        if item.line and item.line in sent:
            covered += 1
        if any(row.startswith(line) and item.line in row for row in sent.splitlines()):
            times += 1
        source = " ".join((item.text, item.name, str(item.pages or ""), item.caption, item.seen))
        if not supported(item.line, source):
            unsupported += 1
    return {
        "items": len(digest.items),
        "covered": covered,
        "timed": times,
        "unsupported": unsupported,
    }


def supported(line: str, source: str) -> bool:
    words = set(_WORD.findall(source.lower()))
    said = _WORD.findall(line.lower().replace("…", " "))
    if not said:
        return False
    numbers_ok = set(_NUMBER.findall(line)) <= set(_NUMBER.findall(source))
    if any("\u4e00" <= ch <= "\u9fff" for ch in line):  # no spaces: compare characters
        chars = [ch for ch in line if "\u4e00" <= ch <= "\u9fff"]
        return numbers_ok and sum(ch in source for ch in chars) >= 0.8 * len(chars)
    return numbers_ok and sum(word in words for word in said) >= 0.8 * len(said)


async def timed_digest(services: Services, user: int, priority: int) -> tuple[Digest, float]:
    started = time.perf_counter()
    digest = await services.digests.digest(user, DAY, priority=priority)
    assert digest is not None
    return digest, time.perf_counter() - started


async def prepare_lines(services: Services, user: int, ids: list[int]) -> float:
    started = time.perf_counter()
    for doc_id in ids:
        await services.digests.summarise_later(user, doc_id)
    return time.perf_counter() - started


async def crowd(services: Services, users: list[int], asker: int) -> dict[str, float]:
    """All users' scheduled digests at once, and a question asked meanwhile."""

    async def question() -> float:
        started = time.perf_counter()
        async for event in services.answerer.ask(asker, "Where is the spare key?"):
            if not isinstance(event, Answer):
                return time.perf_counter() - started
        return time.perf_counter() - started

    started = time.perf_counter()
    tasks = [asyncio.create_task(timed_digest(services, u, SCHEDULED)) for u in users]
    await asyncio.sleep(0.05)
    first_token = await question()
    done = await asyncio.gather(*tasks)
    seconds = sorted(latency for _, latency in done)
    return {
        "users": len(users),
        "digest_p50_s": statistics.median(seconds),
        "digest_p95_s": seconds[int(0.95 * (len(seconds) - 1))],
        "all_done_s": time.perf_counter() - started,
        "question_first_token_s": first_token,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="3,15,60")
    parser.add_argument("--languages", default="en,ru,es,zh,mixed")
    parser.add_argument("--users", type=int, default=50, help="due at the same minute")
    args = parser.parse_args()
    rows = []
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, scratch_install(temperature=0.0) as services:
        folder = Path(tmp)
        asyncio.run(services.answerer.prime())
        user = 0
        for language in args.languages.split(","):
            for size in map(int, args.sizes.split(",")):
                user += 1
                services.digests.set_timezone(user, "UTC")
                ids = ingest_day(services, user, language, size, folder, seed=user)
                cold, cold_s = asyncio.run(timed_digest(services, user, ASKED))
                user += 1  # the same day again, its lines made as the items arrived
                services.digests.set_timezone(user, "UTC")
                ids = ingest_day(services, user, language, size, folder, seed=user - 1)
                ahead_s = asyncio.run(prepare_lines(services, user, ids))
                ready, ready_s = asyncio.run(timed_digest(services, user, ASKED))
                figures = check(services, cold)
                again = check(services, ready)
                results[f"{language}/{size}"] = {
                    **figures,
                    "unsupported_prepared": again["unsupported"],
                    "cold_s": cold_s,
                    "lines_made_on_arrival_s": ahead_s,
                    "assembled_s": ready_s,
                }
                rows.append(
                    (
                        language,
                        size,
                        f"{figures['covered']}/{figures['items']}",
                        f"{figures['timed']}/{figures['items']}",
                        figures["unsupported"] + again["unsupported"],
                        cold_s,
                        ahead_s,
                        ready_s,
                    )
                )
        table(
            "Digests of generated days (0.5B model, 2 cores)",
            (
                "language",
                "items",
                "covered",
                "times kept",
                "unsupported lines",
                "digest, nothing made before (s)",
                "lines made on arrival (s, spread over the day)",
                "digest then (s)",
            ),
            rows,
        )
        if not args.users:
            finish({"bench": "digests", "days": results})
            return
        crowd_users = list(range(1000, 1000 + args.users))
        for n, member in enumerate(crowd_users):
            services.digests.set_timezone(member, "UTC")
            ids = ingest_day(services, member, "mixed", 8, folder, seed=n)
            asyncio.run(prepare_lines(services, member, ids))
        services.keeping.ingestor.add_note(999, "The spare key is under the blue flower pot.")
        figures = asyncio.run(crowd(services, crowd_users, 999))
        results["crowd"] = figures
        print(
            f"{figures['users']} users due at once (8 items each, lines made on arrival): "
            f"digest p50 {figures['digest_p50_s']:.2f} s, p95 {figures['digest_p95_s']:.2f} s, "
            f"all done in {figures['all_done_s']:.2f} s; a question meanwhile: first token in "
            f"{figures['question_first_token_s']:.2f} s"
        )
    finish({"bench": "digests", "days": results})


if __name__ == "__main__":
    main()
