"""Telegram rendering and message routing, without Telegram."""

from __future__ import annotations

from html import escape

from knowledge.services.words.intent import is_question
from present.render import LIMIT, split_text


def test_split_keeps_every_character_and_fits_after_escaping() -> None:
    text = ("<b>&amp; tag soup & more</b> " * 400) + "end"
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(escape(part)) <= LIMIT for part in parts)
    assert "".join(p.replace(" ", "") for p in parts) == text.replace(" ", "")


def test_short_text_is_one_part() -> None:
    assert split_text("hello") == ["hello"]


def test_questions_and_statements_in_four_languages() -> None:
    questions = [
        "Where is the spare key?",
        "what voltage does the manual recommend",
        "Где запасной ключ?",
        "Когда день рождения сестры",
        "¿Dónde está la llave?",
        "Cuándo es la cita con el dentista",
        "钥匙在哪里？",
        "手册推荐什么电压",
    ]
    statements = [
        "The spare key is under the pot.",
        "Купил хлеб и молоко.",
        "La cita es el jueves a las nueve.",
        "钥匙在花盆下面。",
        "",
    ]
    assert all(is_question(q) for q in questions)
    assert not any(is_question(s) for s in statements)


class _RecordingBot:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.edits: list[tuple[int, str]] = []

    async def send_message(
        self, chat_id: int, text: str, parse_mode: str, reply_markup: object = None
    ) -> object:
        self.sent.append(text)
        return type("Sent", (), {"message_id": len(self.sent)})()

    async def edit_message_text(
        self, text: str, chat_id: int, message_id: int, parse_mode: str, reply_markup: object = None
    ) -> None:
        self.edits.append((message_id, text))


class _Context:
    def __init__(self) -> None:
        from types import SimpleNamespace

        self.bot = _RecordingBot()
        self.replies: dict[int, int] = {}

        async def set_reply(update_id: int, message_id: int) -> None:
            self.replies[update_id] = message_id

        async def reply_of(update_id: int) -> int | None:
            return self.replies.get(update_id)

        delivery = SimpleNamespace(set_reply=set_reply, reply_of=reply_of)
        self.settings = SimpleNamespace(stream_edit_seconds=1.0)
        self.state = SimpleNamespace(delivery=delivery)


async def test_live_message_grows_splits_and_resumes() -> None:
    from bot.live import LiveMessage

    context = _Context()
    live = LiveMessage(context, chat_id=5, update_id=77)  # type: ignore[arg-type]
    await live.show("first words", force=True)
    await live.show("first words and more")  # within a second: skipped
    assert context.bot.sent == ["first words"] and context.bot.edits == []
    long = "<tag> & " * 1500
    await live.show(long, footer="<b>Sources:</b>", force=True)
    await live.show(long, footer="<b>Sources:</b>", force=True)  # unchanged: no edit
    parts = split_text(long)
    assert len(parts) > 2
    assert len(context.bot.sent) == len(parts) and len(context.bot.edits) == 1
    assert all(len(text) <= LIMIT for text in context.bot.sent)
    assert "&lt;tag&gt; &amp;" in context.bot.edits[0][1]
    assert context.bot.sent[-1].endswith("<b>Sources:</b>")
    assert context.replies == {77: 1}
    replayed = LiveMessage(context, chat_id=5, update_id=77)  # type: ignore[arg-type]
    await replayed.show("after a restart", force=True)
    assert context.bot.edits[-1] == (1, "after a restart")


def _digest(lines: list[tuple[int, str, str]]):
    from datetime import date, datetime

    from knowledge.services.sending.digest import DayItem, Digest

    items = [
        DayItem(n, kind, datetime(2026, 11, 20, hour, n % 60), text, None)
        for n, (hour, kind, text) in enumerate(lines)
    ]
    return Digest(1, date(2026, 11, 20), items)


def test_digest_frame_in_the_interface_language_items_in_their_own() -> None:
    from datetime import date

    from present.render import digest_html

    digest = _digest(
        [
            (8, "note", "Desayuno: tostada con tomate"),
            (13, "note", "Use <b>tags</b> & **stars**"),
            (13, "photo", ""),
            (22, "note", "晚饭吃了饺子"),
        ]
    )
    (html,) = digest_html(digest, date(2026, 11, 20), "ru")
    assert html.startswith("<b>🗓 Ваш день, 20 ноя 2026</b>\n3 заметки, 1 фото")
    assert "<b>Утро</b>\n08:00 📝 Desayuno: tostada con tomate" in html
    assert "<b>День</b>\n13:01 📝 Use &lt;b&gt;tags&lt;/b&gt; &amp; **stars**" in html
    assert "<b>Вечер</b>\n22:03 📝 晚饭吃了饺子" in html
    assert digest_html(None, date(2026, 11, 20), "es") == [
        "<b>🗓 Tu día, 20 nov 2026</b>\n\nEse día no se añadió nada."
    ]


def test_a_long_day_splits_between_lines() -> None:
    from datetime import date

    from present.render import digest_html

    digest = _digest([(9 + n // 30, "note", f"item {n}: " + "words " * 30) for n in range(200)])
    parts = digest_html(digest, date(2026, 11, 20), "en")
    assert len(parts) > 1 and all(len(part) <= LIMIT for part in parts)
    lines = [line for part in parts for line in part.split("\n") if "📝" in line]
    assert len(lines) == 200 and all(line.endswith("words") for line in lines)
