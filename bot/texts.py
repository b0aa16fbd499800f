"""The bot's own words, in the user's interface language (English and Russian; Spanish and
Chinese where translated, English otherwise)."""

from __future__ import annotations

from typing import Any

from knowledge.domain.errors import MnemoError

TEXTS: dict[str, dict[str, str]] = {
    "start": {
        "en": (
            "Hi! I'm <b>mnemo</b>, your private memory.\n\n"
            "Send me notes, voice messages, documents (PDF, DOCX, TXT, Markdown, HTML, EPUB) "
            "and photos, and ask me about them any time, in writing or aloud. I answer only "
            "from what you gave me, with sources.\n\n"
            "🔒 <b>Nothing leaves this machine</b>: your files, notes and questions are stored "
            "and processed here, by a local model. No cloud, no telemetry.\n\n/help lists what "
            "I can do."
        ),
        "ru": (
            "Привет! Я <b>mnemo</b>, ваша личная память.\n\n"
            "Присылайте заметки, голосовые, документы (PDF, DOCX, TXT, Markdown, HTML, EPUB) и "
            "фото и спрашивайте о них когда угодно, текстом или голосом. Я отвечаю только по "
            "вашим материалам и указываю "
            "источники.\n\n🔒 <b>Ничто не покидает эту машину</b>: файлы, заметки и вопросы "
            "хранятся и обрабатываются здесь, локальной моделью. Без облака и телеметрии.\n\n"
            "/help покажет, что я умею."
        ),
        "es": (
            "¡Hola! Soy <b>mnemo</b>, tu memoria privada.\n\nEnvíame notas, notas de voz, "
            "documentos y fotos y pregúntame por ellos. 🔒 <b>Nada sale de esta máquina</b>."
            "\n\n/help"
        ),
        "zh": (
            "你好！我是 <b>mnemo</b>，你的私人记忆助手。\n\n发送笔记、语音、文档和照片，随时提问。"
            "🔒 <b>所有内容都不会离开这台机器</b>。\n\n/help"
        ),
    },
    "help_header": {
        "en": "What I can do:",
        "ru": "Что я умею:",
        "es": "Lo que sé hacer:",
        "zh": "我能做的：",
    },
    "help_footer": {
        "en": "A message ending with “?” is a question; anything else is saved as a note.",
        "ru": "Сообщение с «?» на конце — вопрос; всё остальное сохраняется как заметка.",
    },
    "cmd_start": {"en": "what I do and my privacy promise", "ru": "что я делаю и о приватности"},
    "cmd_help": {"en": "this list", "ru": "этот список"},
    "cmd_ask": {"en": "ask your memory: /ask question", "ru": "спросить память: /ask вопрос"},
    "cmd_note": {"en": "save a note: /note text", "ru": "сохранить заметку: /note текст"},
    "cmd_search": {
        "en": "find passages, no AI: /search words",
        "ru": "найти фрагменты без ИИ: /search слова",
    },
    "cmd_docs": {
        "en": "your documents, with buttons to forget",
        "ru": "ваши документы, с кнопками удаления",
    },
    "cmd_forget": {"en": "forget a document: /forget ID", "ru": "удалить документ: /forget ID"},
    "cmd_stats": {"en": "what is stored and how much space", "ru": "что хранится и сколько места"},
    "cmd_export": {"en": "everything you stored, as a zip", "ru": "всё сохранённое одним zip"},
    "cmd_wipe": {"en": "delete everything of yours", "ru": "удалить всё ваше"},
    "cmd_cancel": {"en": "stop the answer being written", "ru": "остановить текущий ответ"},
    "cmd_settings": {"en": "language and answer length", "ru": "язык и длина ответов"},
    "not_allowed": {
        "en": "Sorry, this is a private assistant and you are not on its list of users.",
        "ru": "Извините, это частный помощник, и вас нет в списке его пользователей.",
    },
    "slow_down": {
        "en": "⏳ That is a lot of messages at once. Please wait {seconds} s; what you sent "
        "meanwhile is not kept.",
        "ru": "⏳ Слишком много сообщений сразу. Подождите {seconds} с; присланное за это "
        "время не сохраняется.",
    },
    "note_saved": {
        "en": "📝 Saved to your memory.",
        "ru": "📝 Сохранено в память.",
        "es": "📝 Guardado en tu memoria.",
        "zh": "📝 已保存到你的记忆。",
    },
    "note_forwarded": {
        "en": "📝 Saved to your memory (forwarded from {origin}).",
        "ru": "📝 Сохранено в память (переслано от {origin}).",
    },
    "already_stored": {
        "en": "This is already in your memory.",
        "ru": "Это уже есть в вашей памяти.",
    },
    "usage_ask": {"en": "Usage: /ask your question", "ru": "Использование: /ask ваш вопрос"},
    "usage_note": {"en": "Usage: /note text to remember", "ru": "Использование: /note текст"},
    "usage_search": {"en": "Usage: /search words", "ru": "Использование: /search слова"},
    "usage_forget": {
        "en": "Usage: /forget ID (see /docs)",
        "ru": "Использование: /forget ID (см. /docs)",
    },
    "queued": {"en": "⏳ You are #{position} in line…", "ru": "⏳ Вы #{position} в очереди…"},
    "llm_unavailable": {
        "en": "⏳ The model that writes answers can't be reached right now. Your question is "
        "kept: the answer will appear here when it is back.",
        "ru": "⏳ Модель, которая пишет ответы, сейчас недоступна. Ваш вопрос сохранён: "
        "ответ появится здесь, когда она вернётся.",
        "es": "⏳ El modelo que escribe las respuestas no está disponible ahora. Tu pregunta "
        "queda guardada: la respuesta aparecerá aquí cuando vuelva.",
        "zh": "⏳ 生成回答的模型暂时无法连接。你的问题已保存：模型恢复后，回答会显示在这里。",
    },
    "from_memory": {
        "en": "📌 From your memory:",
        "ru": "📌 Из вашей памяти:",
        "es": "📌 De tu memoria:",
        "zh": "📌 来自你的记忆：",
    },
    "closest": {
        "en": "🔎 The closest things in your memory:",
        "ru": "🔎 Самое близкое в вашей памяти:",
        "es": "🔎 Lo más parecido en tu memoria:",
        "zh": "🔎 你的记忆中最接近的内容：",
    },
    "cancelled": {"en": "⏹ Stopped.", "ru": "⏹ Остановлено."},
    "nothing_to_cancel": {"en": "Nothing is running.", "ru": "Сейчас ничего не выполняется."},
    "no_matches": {
        "en": "Nothing in your memory matches.",
        "ru": "В вашей памяти ничего не найдено.",
    },
    "docs_empty": {
        "en": "Your memory is empty. Send me a note, a document or a photo.",
        "ru": "Ваша память пуста. Пришлите заметку, документ или фото.",
    },
    "docs_header": {"en": "Your documents:", "ru": "Ваши документы:"},
    "forget_button": {"en": "🗑 {id}", "ru": "🗑 {id}"},
    "forgotten": {"en": "🗑 Forgot “{name}”.", "ru": "🗑 Удалено: «{name}»."},
    "not_found": {
        "en": "No document {id} in your memory.",
        "ru": "В вашей памяти нет документа {id}.",
    },
    "stats": {
        "en": "📊 Documents: {documents}\nNotes: {notes}\nChunks: {chunks}\nStorage: {storage}",
        "ru": "📊 Документов: {documents}\nЗаметок: {notes}\nФрагментов: {chunks}\n"
        "Место: {storage}",
    },
    "stats_all": {"en": "👥 All users: {users}", "ru": "👥 Все пользователи: {users}"},
    "export_caption": {
        "en": "Everything you stored: originals, notes and metadata.",
        "ru": "Всё сохранённое: оригиналы, заметки и метаданные.",
    },
    "wipe_confirm": {
        "en": "⚠️ Delete <b>everything</b> you stored: documents, notes, photos, history? "
        "This cannot be undone.",
        "ru": "⚠️ Удалить <b>всё</b>: документы, заметки, фото, историю? Это необратимо.",
    },
    "wipe_yes": {"en": "Yes, delete everything", "ru": "Да, удалить всё"},
    "wipe_no": {"en": "No, keep it", "ru": "Нет, оставить"},
    "wiped": {"en": "Everything of yours has been deleted.", "ru": "Всё ваше удалено."},
    "wipe_kept": {"en": "Nothing was deleted.", "ru": "Ничего не удалено."},
    "settings": {
        "en": "⚙️ Language: <b>{interface}</b>\nAnswer length: <b>{length}</b>",
        "ru": "⚙️ Язык: <b>{interface}</b>\nДлина ответов: <b>{length}</b>",
    },
    "length_short": {"en": "short", "ru": "короткие"},
    "length_normal": {"en": "normal", "ru": "обычные"},
    "length_long": {"en": "long", "ru": "длинные"},
    "reading": {"en": "📥 Reading {name}…", "ru": "📥 Читаю {name}…"},
    "progress": {"en": "📥 {name}: {message}", "ru": "📥 {name}: {message}"},
    "ingested": {
        "en": "✅ {name}: {pages}{chunks} chunks in {seconds:.1f} s. Ask me about it!",
        "ru": "✅ {name}: {pages}{chunks} фрагм. за {seconds:.1f} с. Спрашивайте!",
    },
    "pages": {"en": "{pages} pages, ", "ru": "{pages} стр., "},
    "photo_read": {"en": "🖼 Saved. I read: {text}", "ru": "🖼 Сохранено. Я прочитал: {text}"},
    "photo_what": {
        "en": "What's on this photo? Reply to this message with a few words (or a voice note) "
        "and I'll remember it.",
        "ru": "Что на этом фото? Ответьте на это сообщение парой слов (или голосом), и я запомню.",
        "es": "¿Qué hay en esta foto? Responde a este mensaje con unas palabras (o una nota de "
        "voz) y lo recordaré.",
        "zh": "这张照片里是什么？回复这条消息写几个字（或发语音），我会记住。",
    },
    "photo_labelled": {
        "en": "🖼 Got it: the photo shows “{text}”.",
        "ru": "🖼 Запомнил: на фото «{text}».",
        "es": "🖼 Entendido: en la foto hay «{text}».",
        "zh": "🖼 记住了：照片里是“{text}”。",
    },
    "photo_no_text": {
        "en": "🖼 Saved (no text found in it).",
        "ru": "🖼 Сохранено (текста на фото нет).",
    },
    "too_large": {
        "en": "❌ {name} is too large (the limit is {limit} MB).",
        "ru": "❌ {name} слишком большой (предел {limit} МБ).",
    },
    "failed": {"en": "❌ {name}: {reason}", "ru": "❌ {name}: {reason}"},
    # Errors of the core, by code (knowledge.domain.errors), with the parameters they carry;
    # a `kind` parameter (pdf, docx...) is worded as {kind_name}.
    "kind_pdf": {"en": "PDF", "ru": "PDF", "es": "PDF", "zh": "PDF 文件"},
    "kind_docx": {
        "en": "Word document",
        "ru": "Документ Word",
        "es": "Documento de Word",
        "zh": "Word 文档",
    },
    "kind_epub": {"en": "EPUB book", "ru": "Книга EPUB", "es": "Libro EPUB", "zh": "EPUB 电子书"},
    "kind_html": {"en": "web page", "ru": "Веб-страница", "es": "Página web", "zh": "网页"},
    "kind_markdown": {
        "en": "Markdown file",
        "ru": "Файл Markdown",
        "es": "Archivo Markdown",
        "zh": "Markdown 文件",
    },
    "kind_text": {
        "en": "text file",
        "ru": "Текстовый файл",
        "es": "Archivo de texto",
        "zh": "文本文件",
    },
    "kind_image": {"en": "image", "ru": "Изображение", "es": "Imagen", "zh": "图片"},
    "kind_audio": {"en": "recording", "ru": "Запись", "es": "Grabación", "zh": "录音"},
    "listening": {
        "en": "🎙 Listening…",
        "ru": "🎙 Слушаю…",
        "es": "🎙 Escuchando…",
        "zh": "🎙 正在听…",
    },
    "transcribing": {
        "en": "🎙 {progress}",
        "ru": "🎙 {progress}",
        "es": "🎙 {progress}",
        "zh": "🎙 {progress}",
    },
    "voice_heard": {
        "en": "🎙 You asked: “{text}”",
        "ru": "🎙 Вы спросили: «{text}»",
        "es": "🎙 Preguntaste: «{text}»",
        "zh": "🎙 你问：“{text}”",
    },
    "voice_saved": {
        "en": "🎙 Saved: “{text}”",
        "ru": "🎙 Сохранено: «{text}»",
        "es": "🎙 Guardado: «{text}»",
        "zh": "🎙 已保存：“{text}”",
    },
    "voice_too_long": {
        "en": "🎙 This recording lasts {minutes} minutes; I transcribe up to {limit}.",
        "ru": "🎙 Запись длится {minutes} мин.; я расшифровываю до {limit} мин.",
        "es": "🎙 Esta grabación dura {minutes} minutos; transcribo hasta {limit}.",
        "zh": "🎙 这段录音长 {minutes} 分钟；我最多转写 {limit} 分钟。",
    },
    "err_audio_too_long": {
        "en": "the recording lasts {minutes} minutes, over the {limit}-minute limit",
        "ru": "запись длится {minutes} мин., больше предела в {limit} мин.",
        "es": "la grabación dura {minutes} minutos, más que el límite de {limit}",
        "zh": "录音长 {minutes} 分钟，超过 {limit} 分钟的上限",
    },
    "err_no_speech": {
        "en": "nothing is said in the recording",
        "ru": "в записи ничего не сказано",
        "es": "no se dice nada en la grabación",
        "zh": "录音里没有说话",
    },
    "err_no_audio": {
        "en": "the file holds no audio",
        "ru": "в файле нет звука",
        "es": "el archivo no contiene audio",
        "zh": "文件里没有音频",
    },
    "err_file_over_limit": {
        "en": "the file is over the {limit_mb} MB limit",
        "ru": "файл больше предела в {limit_mb} МБ",
        "es": "el archivo supera el límite de {limit_mb} MB",
        "zh": "文件超过 {limit_mb} MB 的上限",
    },
    "err_file_empty": {
        "en": "the file is empty",
        "ru": "файл пуст",
        "es": "el archivo está vacío",
        "zh": "文件是空的",
    },
    "err_no_text": {
        "en": "no text could be read from the file",
        "ru": "в файле не удалось прочитать текст",
        "es": "no se pudo leer ningún texto del archivo",
        "zh": "无法从文件中读取任何文字",
    },
    "err_note_empty": {
        "en": "the note is empty",
        "ru": "заметка пуста",
        "es": "la nota está vacía",
        "zh": "笔记是空的",
    },
    "err_over_quota": {
        "en": (
            "your memory holds {used} and this adds {adds}, over your {quota} quota; "
            "forget some documents first"
        ),
        "ru": (
            "в вашей памяти {used}, этот файл добавит {adds}, а ваша квота {quota}; "
            "сначала удалите что-нибудь (/forget)"
        ),
        "es": (
            "tu memoria ocupa {used} y esto añade {adds}, más que tu cuota de {quota}; "
            "olvida algunos documentos primero"
        ),
        "zh": "你的记忆已占用 {used}，此文件再加 {adds}，超过 {quota} 的配额；请先删除一些文档",
    },
    "err_unsupported_type": {
        "en": "unsupported file type ({mime}); I read PDF, DOCX, TXT, Markdown, HTML, EPUB and "
        "photos",
        "ru": "не умею читать такие файлы ({mime}); присылайте PDF, DOCX, TXT, Markdown, HTML, "
        "EPUB или фото",
        "es": "no puedo leer este tipo de archivo ({mime}); envía PDF, DOCX, TXT, Markdown, "
        "HTML, EPUB o una foto",
        "zh": "无法读取这种文件（{mime}）；请发送 PDF、DOCX、TXT、Markdown、HTML、EPUB 或照片",
    },
    "err_unsupported_archive": {
        "en": "this archive is not a DOCX or EPUB file",
        "ru": "этот архив не DOCX и не EPUB",
        "es": "este archivo comprimido no es un DOCX ni un EPUB",
        "zh": "这个压缩文件不是 DOCX 或 EPUB",
    },
    "err_unpacks_too_large": {
        "en": "the {kind_name} unpacks to {unpacked_mb} MB, over the {limit_mb} MB limit",
        "ru": "{kind_name}: в распакованном виде {unpacked_mb} МБ, больше предела в {limit_mb} МБ",
        "es": (
            "{kind_name}: descomprimido ocupa {unpacked_mb} MB, más que el límite de {limit_mb} MB"
        ),
        "zh": "{kind_name}解压后为 {unpacked_mb} MB，超过 {limit_mb} MB 的上限",
    },
    "err_damaged": {
        "en": "the {kind_name} is damaged and cannot be read",
        "ru": "{kind_name}: файл повреждён, прочитать его нельзя",
        "es": "{kind_name}: el archivo está dañado y no se puede leer",
        "zh": "{kind_name}已损坏，无法读取",
    },
    "err_undecodable": {
        "en": "the text is not in any encoding I can read",
        "ru": "текст в неизвестной мне кодировке",
        "es": "el texto no está en ninguna codificación que pueda leer",
        "zh": "无法识别文本的编码",
    },
    "err_pdf_encrypted": {
        "en": "the PDF is password-protected",
        "ru": "PDF защищён паролем",
        "es": "el PDF está protegido con contraseña",
        "zh": "该 PDF 有密码保护",
    },
    "err_pdf_scan": {
        "en": "the PDF has no text layer (a scan?); send its pages as photos",
        "ru": "в PDF нет текстового слоя (скан?); пришлите страницы как фото",
        "es": "el PDF no tiene capa de texto (¿un escaneo?); envía sus páginas como fotos",
        "zh": "该 PDF 没有文字层（扫描件？）；请把页面作为照片发送",
    },
    "err_too_many_pages": {
        "en": "the PDF has {pages} pages, over the {limit}-page limit",
        "ru": "в PDF {pages} страниц, больше предела в {limit}",
        "es": "el PDF tiene {pages} páginas, más que el límite de {limit}",
        "zh": "该 PDF 有 {pages} 页，超过 {limit} 页的上限",
    },
    "err_too_many_megapixels": {
        "en": "the image is over the {limit}-megapixel limit",
        "ru": "изображение больше предела в {limit} мегапикселей",
        "es": "la imagen supera el límite de {limit} megapíxeles",
        "zh": "图片超过 {limit} 百万像素的上限",
    },
    "cmd_digest": {
        "en": "your day so far; /digest yesterday or a date",
        "ru": "ваш день; /digest yesterday или дата",
    },
    "cmd_timezone": {
        "en": "your timezone: /timezone Europe/Madrid",
        "ru": "часовой пояс: /timezone Europe/Moscow",
    },
    "cmd_digest_time": {
        "en": "daily digest time: /digest_time 21:30 or off",
        "ru": "время сводки: /digest_time 21:30 или off",
    },
    "digest_header": {
        "en": "🗓 Your day, {day}",
        "ru": "🗓 Ваш день, {day}",
        "es": "🗓 Tu día, {day}",
        "zh": "🗓 你的一天，{day}",
    },
    "digest_empty": {
        "en": "Nothing was added that day.",
        "ru": "В этот день ничего не добавлено.",
        "es": "Ese día no se añadió nada.",
        "zh": "那天没有添加任何内容。",
    },
    "part_night": {"en": "Night", "ru": "Ночь", "es": "Madrugada", "zh": "凌晨"},
    "part_morning": {"en": "Morning", "ru": "Утро", "es": "Mañana", "zh": "上午"},
    "part_afternoon": {"en": "Afternoon", "ru": "День", "es": "Tarde", "zh": "下午"},
    "part_evening": {"en": "Evening", "ru": "Вечер", "es": "Noche", "zh": "晚上"},
    # Counts: singular|plural (Russian: one|few|many), by plural_form().
    "count_note": {
        "en": "{n} note|{n} notes",
        "ru": "{n} заметка|{n} заметки|{n} заметок",
        "es": "{n} nota|{n} notas",
        "zh": "{n} 条笔记",
    },
    "count_voice": {
        "en": "{n} voice note|{n} voice notes",
        "ru": "{n} голосовая|{n} голосовых|{n} голосовых",
        "es": "{n} nota de voz|{n} notas de voz",
        "zh": "{n} 条语音",
    },
    "count_photo": {
        "en": "{n} photo|{n} photos",
        "ru": "{n} фото|{n} фото|{n} фото",
        "es": "{n} foto|{n} fotos",
        "zh": "{n} 张照片",
    },
    "count_document": {
        "en": "{n} document|{n} documents",
        "ru": "{n} документ|{n} документа|{n} документов",
        "es": "{n} documento|{n} documentos",
        "zh": "{n} 个文档",
    },
    "digest_at": {
        "en": "🗓 Your digest comes every day at {at} ({zone}).",
        "ru": "🗓 Сводка будет приходить каждый день в {at} ({zone}).",
    },
    "digest_off": {
        "en": "🗓 Daily digests are off ({zone}). /digest_time 21:00 turns them on.",
        "ru": "🗓 Ежедневные сводки выключены ({zone}). /digest_time 21:00 включит.",
    },
    "usage_digest": {
        "en": "Usage: /digest, /digest yesterday or /digest 2026-11-20",
        "ru": "Использование: /digest, /digest yesterday или /digest 2026-11-20",
    },
    "usage_timezone": {
        "en": "Unknown timezone. Example: /timezone Europe/Madrid",
        "ru": "Неизвестный часовой пояс. Пример: /timezone Europe/Moscow",
    },
    "usage_digest_time": {
        "en": "Give a time like 21:30, or off. Example: /digest_time 21:30",
        "ru": "Укажите время, например 21:30, или off. Пример: /digest_time 21:30",
    },
    "internal_error": {
        "en": "Something went wrong on my side; nothing you stored was lost.",
        "ru": "У меня что-то сломалось; ничего из сохранённого не потеряно.",
    },
}

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "es": "Español", "zh": "中文"}


def t(key: str, language: str, **values: Any) -> str:
    """The text for `key` in `language`, or English when not translated."""
    variants = TEXTS[key]
    return variants.get(language, variants["en"]).format(**values)


def error_text(error: MnemoError, language: str) -> str:
    """A core error in the user's language; one the bot has no words for (an operator's
    problem, such as a missing model) is an internal error to the user."""
    key = f"err_{error.code}"
    if key not in TEXTS:
        return t("internal_error", language)
    params = dict(error.params)
    if "kind" in params:
        params["kind_name"] = t(f"kind_{params['kind']}", language)
    return t(key, language, **params)


def counted(key: str, language: str, n: int) -> str:
    """A count with the noun in its plural form for `n` (`key` holds forms split by |)."""
    forms = t(key, language, n=n).split("|")
    return forms[min(plural_form(language, n), len(forms) - 1)]


def plural_form(language: str, n: int) -> int:
    """Which form: English and Spanish one/other; Russian one/few/many; Chinese one."""
    if language == "zh":
        return 0
    if language == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
    return 0 if n == 1 else 1
