"""The bot's words in Russian; a key missing here is shown in English."""

TEXTS: dict[str, str] = {
    "start": (
        "Привет! Я <b>mnemo</b>, ваша личная память.\n\nПрисылайте заметки, голосовые, документы "
        "(PDF, DOCX, TXT, Markdown, HTML, EPUB) и фото и спрашивайте о них когда угодно, текстом "
        "или голосом. Я отвечаю только по вашим материалам и указываю источники.\n\n🔒 <b>Ничто не "
        "покидает эту машину</b>: файлы, заметки и вопросы хранятся и обрабатываются здесь, "
        "локальной моделью. Без облака и телеметрии.\n\n/help покажет, что я умею."
    ),
    "help_header": "Что я умею:",
    "help_footer": (
        "Спросите факт, день или неделю («Что я ел во вторник?»), тему («всё про дачу»), "
        "счёт («сколько раз я бегал в ноябре?»), сумму или краткое содержание документа "
        "(«Перескажи инструкцию к котлу»). Всё остальное сохраняется как заметка."
    ),
    "cmd_start": "что я делаю и о приватности",
    "cmd_help": "этот список",
    "cmd_ask": "спросить память: /ask вопрос",
    "cmd_note": "сохранить заметку: /note текст",
    "cmd_search": "найти фрагменты без ИИ: /search слова",
    "cmd_docs": "ваши документы, с кнопками удаления",
    "cmd_forget": "удалить документ: /forget ID",
    "cmd_stats": "что хранится и сколько места",
    "cmd_export": "всё сохранённое одним zip",
    "cmd_wipe": "удалить всё ваше",
    "cmd_cancel": "остановить текущий ответ",
    "cmd_settings": "язык и длина ответов",
    "not_allowed": "Извините, это частный помощник, и вас нет в списке его пользователей.",
    "claimed": (
        "🔑 Теперь вы владелец mnemo. Пользоваться им можете только вы и те, кого вы пригласите: "
        "/invite создаёт одноразовую ссылку для каждого."
    ),
    "joined": (
        "👋 Добро пожаловать! Теперь вы можете пользоваться mnemo: всё, что вы присылаете, "
        "хранится только для вас."
    ),
    "invite_link": (
        "🔗 Отправьте эту ссылку одному человеку. Она открывает доступ к mnemo, срабатывает один "
        "раз и действует {days} дн.:\n{link}"
    ),
    "owner_only": "Это может только владелец бота.",
    "invite_off": (
        "Приглашения отключены: кто может пользоваться ботом, задаёт MNEMO_ALLOWED_USERS."
    ),
    "slow_down": (
        "⏳ Слишком много сообщений сразу. Подождите {seconds} с; присланное за это время не "
        "сохраняется."
    ),
    "note_saved": "📝 Сохранено в память.",
    "note_forwarded": "📝 Сохранено в память (переслано от {origin}).",
    "already_stored": "Это уже есть в вашей памяти.",
    "usage_ask": "Использование: /ask ваш вопрос",
    "usage_note": "Использование: /note текст",
    "usage_search": "Использование: /search слова",
    "usage_forget": "Использование: /forget ID (см. /docs)",
    "queued": "⏳ Вы #{position} в очереди…",
    "llm_unavailable": (
        "⏳ Модель, которая пишет ответы, сейчас недоступна. Ваш вопрос сохранён: ответ появится "
        "здесь, когда она вернётся."
    ),
    "from_memory": "📌 Из вашей памяти:",
    "closest": "🔎 Самое близкое в вашей памяти:",
    "cancelled": "⏹ Остановлено.",
    "nothing_to_cancel": "Сейчас ничего не выполняется.",
    "no_matches": "В вашей памяти ничего не найдено.",
    "docs_empty": "Ваша память пуста. Пришлите заметку, документ или фото.",
    "docs_header": "Ваши документы:",
    "forget_button": "🗑 {id}",
    "forgotten": "🗑 Удалено: «{name}».",
    "not_found": "В вашей памяти нет документа {id}.",
    "outdated_button": "⌛ Устарело: {what}",
    "outdated_marked": (
        "⌛ Отмечено как устаревшее: {what}. "
        "Оно остаётся в памяти и в списке своего дня, но больше не даётся как текущее значение."
    ),
    "outdated_restore_button": "↩️ Вернуть",
    "outdated_restored": "↩️ Возвращено: {what} снова считается актуальным.",
    "stats": "📊 Документов: {documents}\nЗаметок: {notes}\nФрагментов: {chunks}\nМесто: {storage}",
    "stats_all": "👥 Все пользователи: {users}",
    "export_caption": "Всё сохранённое: оригиналы, заметки и метаданные.",
    "wipe_confirm": "⚠️ Удалить <b>всё</b>: документы, заметки, фото, историю? Это необратимо.",
    "wipe_yes": "Да, удалить всё",
    "wipe_no": "Нет, оставить",
    "wiped": "Всё ваше удалено.",
    "wipe_kept": "Ничего не удалено.",
    "settings": "⚙️ Язык: <b>{interface}</b>\nДлина ответов: <b>{length}</b>",
    "length_short": "короткие",
    "length_normal": "обычные",
    "length_long": "длинные",
    "reading": "📥 Читаю {name}…",
    "progress": "📥 {name}: {message}",
    "ingested": "✅ {name}: {pages}{chunks} фрагм. за {seconds:.1f} с. Спрашивайте!",
    "pages": "{pages} стр., ",
    "photo_read": "🖼 Сохранено. Я прочитал: {text}",
    "photo_what": (
        "Что на этом фото? Ответьте на это сообщение парой слов (или голосом), и я запомню."
    ),
    "photo_labelled": "🖼 Запомнил: на фото «{text}».",
    "photo_no_text": "🖼 Сохранено (текста на фото нет).",
    "err_upload_too_large": "❌ {name} слишком большой (предел {limit} МБ).",
    "failed": "❌ {name}: {reason}",
    "kind_pdf": "PDF",
    "kind_docx": "Документ Word",
    "kind_epub": "Книга EPUB",
    "kind_html": "Веб-страница",
    "kind_markdown": "Файл Markdown",
    "kind_text": "Текстовый файл",
    "kind_image": "Изображение",
    "kind_audio": "Запись",
    "listening": "🎙 Слушаю…",
    "transcribing": "🎙 {progress}",
    "voice_heard": "🎙 Вы спросили: «{text}»",
    "voice_saved": "🎙 Сохранено: «{text}»",
    "err_voice_too_long": "🎙 Запись длится {minutes} мин.; я расшифровываю до {limit} мин.",
    "err_audio_too_long": "запись длится {minutes} мин., больше предела в {limit} мин.",
    "err_no_speech": "в записи ничего не сказано",
    "err_no_audio": "в файле нет звука",
    "err_file_over_limit": "файл больше предела в {limit_mb} МБ",
    "err_file_empty": "файл пуст",
    "err_no_text": "в файле не удалось прочитать текст",
    "err_note_empty": "заметка пуста",
    "err_over_quota": (
        "в вашей памяти {used}, этот файл добавит {adds}, а ваша квота {quota}; сначала удалите "
        "что-нибудь (/forget)"
    ),
    "err_unsupported_type": (
        "не умею читать такие файлы ({mime}); присылайте PDF, DOCX, TXT, Markdown, HTML, EPUB или "
        "фото"
    ),
    "err_unsupported_archive": "этот архив не DOCX и не EPUB",
    "err_unpacks_too_large": (
        "{kind_name}: в распакованном виде {unpacked_mb} МБ, больше предела в {limit_mb} МБ"
    ),
    "err_damaged": "{kind_name}: файл повреждён, прочитать его нельзя",
    "err_undecodable": "текст в неизвестной мне кодировке",
    "err_pdf_encrypted": "PDF защищён паролем",
    "err_pdf_scan": "в PDF нет текстового слоя (скан?); пришлите страницы как фото",
    "err_too_many_pages": "в PDF {pages} страниц, больше предела в {limit}",
    "err_too_many_megapixels": "изображение больше предела в {limit} мегапикселей",
    "cmd_digest": "ваш день; /digest week — последние 7 дней",
    "cmd_timezone": "часовой пояс: /timezone Europe/Moscow",
    "cmd_digest_time": "время сводки: /digest_time 21:30 или off",
    "digest_header": "🗓 Ваш день, {day}",
    "digest_empty": "В этот день ничего не добавлено.",
    "part_night": "Ночь",
    "part_morning": "Утро",
    "part_afternoon": "День",
    "part_evening": "Вечер",
    "count_note": "{n} заметка|{n} заметки|{n} заметок",
    "count_voice": "{n} голосовая|{n} голосовых|{n} голосовых",
    "count_photo": "{n} фото|{n} фото|{n} фото",
    "count_link": "{n} страница|{n} страницы|{n} страниц",
    "count_document": "{n} документ|{n} документа|{n} документов",
    "digest_at": "🗓 Сводка будет приходить каждый день в {at} ({zone}).",
    "digest_off": "🗓 Ежедневные сводки выключены ({zone}). /digest_time 21:00 включит.",
    "usage_digest": "Например: /digest, /digest yesterday, /digest 2026-11-20, /digest week",
    "usage_timezone": "Неизвестный часовой пояс. Пример: /timezone Europe/Moscow",
    "usage_digest_time": "Укажите время, например 21:30, или off. Пример: /digest_time 21:30",
    "internal_error": "У меня что-то сломалось; ничего из сохранённого не потеряно.",
    "group_open": "🔒 Открыть личный чат",
    "group_answered_private": (
        "🔒 {name}, о вашей памяти я отвечаю только в личном чате: ответ там."
    ),
    "group_note_private": "📝 {name}, сохраняю это в вашу память; подтверждение — в личном чате.",
    "group_start_first": (
        "🔒 {name}, ваша память личная: о ней я отвечаю только в личном чате. Откройте его "
        "кнопкой, нажмите «Старт» и спросите снова."
    ),
    "group_intro": (
        "👋 Я mnemo, личная память. В группах я ничего не сохраняю из чата и ничью память не "
        "показываю: /note сохраняет в вашу память, а на вопросы мне (/ask или упоминание) я "
        "отвечаю в личном чате."
    ),
    "group_refuse_anonymous": (
        "Я не знаю, чью память использовать, когда пишут анонимно или от имени канала. Напишите "
        "мне от своего имени."
    ),
    "not_your_button": "Эта кнопка не ваша: она работает только в личном чате её владельца.",
    "set_aside": (
        "⚠️ Одно из ваших сообщений останавливало меня каждый раз при обработке (раз: {attempts}), "
        "поэтому я отложил его. Ничего из сохранённого ранее не потеряно. Попробуйте прислать его "
        "иначе (файл поменьше, запись короче)."
    ),
    "upload_queued": "📥 {name}: #{position} в очереди на чтение…",
    "voice_queued": "🎙 #{position} в очереди на расшифровку…",
    "note_updated": "✏️ Заметка обновлена: новый текст заменил старый в вашей памяти.",
    "caption_updated": "✏️ Подпись обновлена в вашей памяти.",
    "export_packing": "📦 Упаковываю всё сохранённое…",
    "export_queued": "📦 #{position} в очереди на упаковку…",
    "export_sending": "📦 Отправляю часть {part} из {parts}…",
    "export_part_caption": (
        "Часть {part} из {parts}: всё сохранённое — оригиналы, заметки и метаданные. Каждая часть "
        "— отдельный zip."
    ),
    "export_done": "📦 Готово: всё сохранённое — в zip-файлах выше (частей: {parts}).",
    "export_failed": (
        "❌ Telegram не принял часть {part} из {parts} ({size}). Остальное не отправлено; на "
        "машине, где я работаю, `mnemo export --user <ваш id>` запишет всё в один файл."
    ),
    "err_llm_refused": (
        "сервер модели отклонил этот вопрос (HTTP {status}); попробуйте спросить короче или иначе"
    ),
    "err_too_many_uploads": (
        "📥 У вас уже ждут чтения файлов: {waiting}; пришлите ещё, когда они будут прочитаны."
    ),
    "err_too_many_waiting": (
        "⏳ У вас уже ждут ответа вопросов: {waiting}; спросите снова, когда на них будет ответ."
    ),
    "err_too_many_reminders": (
        "⏰ Напоминаний уже {limit}: это предел; сначала отмените какие-нибудь в /reminders."
    ),
    "err_audio_over_limit": "запись длиннее предела в {limit} мин.",
    "weekday_names": "пн вт ср чт пт сб вс",
    "gather_items": "{n} запись|{n} записи|{n} записей",
    "gather_times": "{n} раз|{n} раза|{n} раз",
    "gather_time": "🗓 {when}: {items}",
    "gather_subject": "🔎 {subject}: {items}",
    "gather_all_time": "за всё время",
    "gather_count": "🔢 {times} ({when})",
    "gather_sum": "💶 Всего: {total} ({items}, {when})",
    "gather_more": "Ещё ({left})",
    "gather_gone": "Этого списка уже нет под рукой; спросите снова.",
    "gather_unmatched": (
        "🗓 Точно об этом нигде не сказано. Вот что у вас записано за {when} ({items}):"
    ),
    "gather_day_part": "{day} ({part})",
    "day_parts": "утро|день|вечер|ночь",
    "summary_no_document": "Такого документа в вашей памяти нет; /docs покажет список.",
    "summary_partial": "Пока сжато {done} из {total} разделов; остальное читается.",
    "digest_week_header": "🗓 Ваша неделя, {first} – {last}",
    "weekly_off": "📅 за неделю: нет",
    "weekly_at": "📅 Сводка за неделю приходит: {day}, {at}.",
    "months": "янв|фев|мар|апр|мая|июн|июл|авг|сен|окт|ноя|дек",
    "date": "{day} {month} {year}",
    "date_short": "{day} {month}",  # a day of this year, in a list
    "date_time": "{date}, {time}",
    "source_note": "заметка от {when}",
    "source_voice": "голосовая заметка от {when}",
    "source_page": "{name}, с. {page}",
    "source_section": "{name} § {heading}",
    "kind_note": "заметка",
    "kind_voice": "голосовая заметка",
    "pages_short": "{pages} с.",
    "cli_more": "… и ещё {n} (--all покажет все)",
    "kind_photo": "фото",
    "kind_document": "документ",
    "link_saved": "🔗 Страница «{title}» ({site}) сохранена в память.",
    "link_not_read": "📝 Ссылка сохранена как заметка; страницу прочитать не удалось: {reason}.",
    "err_link_refused": (
        "ссылка ведёт на адрес, который я не открываю (только публичные страницы http и https)"
    ),
    "err_link_failed": (
        "страницу не удалось прочитать (недоступна, слишком медленная, слишком большая или "
        "без текста)"
    ),
    "err_import_unreadable": (
        "это не экспорт, который я умею читать (экспорт Telegram Desktop: result.json или "
        "zip его папки; или экспорт mnemo)"
    ),
    "import_links": (
        "🔗 Ссылки: прочитано страниц {read}, не прочитано {failed} (их сообщения сохранены)."
    ),
    "import_reminders": "⏰ Восстановлено напоминаний: {added} (см. /reminders).",
    "import_others": "💬 Сообщений других людей: {n}. Сохранить и их, с именем автора?",
    "import_others_keep": "👥 Сохранить и их",
    "err_import_held_gone": "этого экспорта уже нет: пришлите его снова и нажмите кнопку",
    "err_import_held_expired": "экспорт хранится только {hours} часа: пришлите его снова",
    "import_progress": "📥 Импорт {name}: {done} из {total}…",
    "import_done": (
        "✅ Импорт {name}: добавлено {added}, уже было в памяти {already}, не удалось "
        "прочитать {failed}. У каждого сообщения своя дата."
    ),
    "err_import_too_large": (
        "❌ {name} больше {limit} МБ — столько бот здесь не получит. Импортируйте на машине, "
        "где работает mnemo: mnemo import ПУТЬ --user {user}"
    ),
    "backup_done": "💾 Резервная копия записана: {path} ({size}).",
    "backup_failed": "❌ Резервная копия не удалась: {reason}",
    "kind_link": "страница",
    "err_import_not_yours": "ни одно сообщение экспорта не ваше (это экспорт чужого чата)",
    "admins_only": "Это могут только администраторы бота.",
    "err_backup_refused": "резервную копию нельзя записать или прочитать",
    "cmd_reminders": "что впереди, с кнопками отмены",
    "cmd_brief": "утренняя сводка: /brief 08:00 или off",
    "when_today": "сегодня в {time}",
    "when_tomorrow": "завтра в {time}",
    "when_on": "{day} в {time}",
    "every_day": "каждый день в {time}",
    "every_weekdays": "по дням: {days}, в {time}",
    "reminder_set": "⏰ Напомню {when}: {task}",
    "reminder_zone": (
        "Время указано по {zone}. Свой часовой пояс: /timezone, например /timezone Europe/Moscow."
    ),
    "reminder_when": (
        "⏰ Когда напомнить: {task}? Ответьте на это сообщение временем, например "
        "«завтра в 10» или «через 2 часа»."
    ),
    "reminder_which": "⏰ {task}: в какое время? Нажмите кнопку или ответьте временем.",
    "reminder_past": "⏰ {when} уже прошло. Когда напомнить: {task}? Ответьте временем.",
    "reminder_message": "⏰ Напоминание: {task}",
    "reminder_late": "(с опозданием: было назначено {at})",
    "reminder_next": "(следующее: {when})",
    "reminder_offer": "⏰ Напомнить {when}?",
    "reminder_cancelled": "✖️ Отменено: {task}",
    "reminder_done": "✅ Сделано: {task}",
    "reminder_snoozed": "💤 Напомню ещё раз {when}: {task}",
    "reminder_gone": "Этого напоминания больше нет.",
    "reminders_none": "Напоминаний впереди нет. Скажите «напомни завтра в 9 …».",
    "reminders_header": "⏰ Напоминания впереди:",
    "btn_change": "✏️ Изменить",
    "btn_cancel": "✖️ Отменить",
    "btn_done": "✅ Сделано",
    "btn_snooze_10m": "💤 10 мин",
    "btn_snooze_1h": "💤 1 час",
    "btn_snooze_tomorrow": "💤 Завтра",
    "btn_remind": "⏰ Напомнить",
    "btn_cancel_n": "✖️ {n}",
    "digest_tomorrow": "Завтра",
    "brief_header": "☀️ Сегодня, {day}",
    "brief_at": "☀️ Утренняя сводка: каждый день в {at}.",
    "brief_off": "☀️ Утренняя сводка: нет",
    "usage_brief": "Укажите время, например 08:00, или off. Пример: /brief 08:00",
    # Командная строка (cli/).
    "cli_error": "ошибка:",
    "cli_err_other": "mnemo сейчас не может это сделать: {detail}",
    "cli_err_document_not_found": "в вашей памяти нет документа {doc_id}",
    "cli_err_too_many_reminders": (
        "напоминаний уже {limit}: это предел; сначала отмените какие-нибудь "
        "(mnemo reminders --cancel ID)"
    ),
    "cli_no_such_file": "{path}: такого файла нет",
    "cli_unreadable": "{path}: не удалось прочитать (внутренняя ошибка, подробности в журнале)",
    "cli_ingested": (
        "✓ {name}: документ {id}, {kind}, {pages}фрагментов: {chunks}, за {seconds:.1f} с"
    ),
    "cli_pages": "{pages} стр., ",
    "cli_already": "= {name}: уже в памяти как документ {id}",
    "cli_read": "  распознано: {text}",
    "cli_no_text": "(текст не найден)",
    "cli_voice_kept": "✓ {name}: сохранено как голосовая заметка, документ {id}",
    "cli_voice_already": "✓ {name}: уже в памяти как документ {id}",
    "cli_no_matches": "В этой памяти ничего подходящего нет.",
    "cli_hit": "(документ {id}, оценка {score:.3f})",
    "cli_chat_intro": (
        "mnemo chat: спрашивайте о чём угодно из вашей памяти. Выход: Ctrl-D или «exit»."
    ),
    "cli_chat_prompt": "вы> ",
    "cli_stopped": "(остановлено)",
    "cli_note_saved": "Заметка сохранена как документ {id}.",
    "cli_note_already": "Эта заметка уже есть в памяти: документ {id}.",
    "cli_link_read": "🔗 Страница с {site} прочитана: «{name}», документ {id}.",
    "cli_link_failed": "🔗 Страницу не удалось прочитать:",
    "cli_docs_empty": "Эта память пуста.",
    "cli_docs_columns": "id|название|тип|стр.|фрагменты|размер|добавлен (UTC)|состояние",
    "cli_forgotten": "Документ {id} ({name}) забыт.",
    "cli_exported": "✓ {path}: {documents}, {size}",
    "cli_week": "Ваша неделя, {first} – {last} ({zone})",
    "cli_week_empty": "За эту неделю ничего не добавлено.",
    "cli_day_empty": "За {day} ничего не добавлено ({zone}).",
    "cli_remind_not_asked": "это не просьба о напоминании; например: «напомни завтра в 9 …»",
    "cli_remind_no_time": "не сказано когда: например, «завтра в 9» или «через 20 минут»",
    "cli_remind_ambiguous": "утра или вечера? укажите час, например 17:00",
    "cli_remind_past": "это время уже прошло",
    "cli_reminder_set": "⏰ поставлено: {line}",
    "cli_reminder_cancelled": "✖ отменено: {line}",
    "cli_reminder_not_found": "у пользователя {user} нет напоминания {id}",
    "cli_reminders_none": "Напоминаний впереди нет.",
    "cli_reminder_line": "#{id} {at} ({zone}{every}): {task}",
    "cli_every_day": ", каждый день",
    "cli_every_weekdays": ", по дням: {days}",
    "cli_importing": "импорт {name}",
    "cli_import_telegram": "экспорт Telegram",
    "cli_import_folder": "папка",
    "cli_import_mnemo_export": "экспорт mnemo",
    "cli_imported": "✓ {kind}: добавлено {added}, уже было в памяти {already}",
    "cli_import_replaced": ", изменено и заменено {n}",
    "cli_import_links": ", прочитано страниц по ссылкам {n}",
    "cli_import_links_failed": ", не прочитано ссылок {n}",
    "cli_import_skipped": ", пропущено {n} (служебные или чужие сообщения)",
    "cli_import_attributed": ", у {n} теперь указан автор",
    "cli_import_others": "Пропущено чужих сообщений: {n} (--all-senders сохранит их)",
    "cli_import_failed": ", не удалось прочитать {n}, за {seconds:.1f} с",
    "cli_import_reminders": "⏰ напоминания: восстановлено {added}, уже были {already}",
    "cli_import_past": ", просрочено {n} (не восстановлены)",
    "cli_import_unreadable": ", не прочитано {n}",
    "cli_import_more": "  … и ещё {n} (подробности в журнале, запустите с -v)",
    "cli_import_forgotten": "забыто {n}:",
    "cli_import_gone": "больше нет в папке: {n} (забыть их можно с --prune):",
}
