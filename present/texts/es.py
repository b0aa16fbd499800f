"""The bot's words in Spanish; a key missing here is shown in English."""

TEXTS: dict[str, str] = {
    "start": (
        "¡Hola! Soy <b>mnemo</b>, tu memoria privada.\n\nEnvíame notas, notas de voz, documentos y "
        "fotos y pregúntame por ellos. 🔒 <b>Nada sale de esta máquina</b>.\n\n/help"
    ),
    "help_header": "Lo que sé hacer:",
    "note_saved": "📝 Guardado en tu memoria.",
    "llm_unavailable": (
        "⏳ El modelo que escribe las respuestas no está disponible ahora. Tu pregunta queda "
        "guardada: la respuesta aparecerá aquí cuando vuelva."
    ),
    "from_memory": "📌 De tu memoria:",
    "closest": "🔎 Lo más parecido en tu memoria:",
    "photo_what": (
        "¿Qué hay en esta foto? Responde a este mensaje con unas palabras (o una nota de voz) y lo "
        "recordaré."
    ),
    "photo_labelled": "🖼 Entendido: en la foto hay «{text}».",
    "kind_pdf": "PDF",
    "kind_docx": "Documento de Word",
    "kind_epub": "Libro EPUB",
    "kind_html": "Página web",
    "kind_markdown": "Archivo Markdown",
    "kind_text": "Archivo de texto",
    "kind_image": "Imagen",
    "kind_audio": "Grabación",
    "listening": "🎙 Escuchando…",
    "transcribing": "🎙 {progress}",
    "voice_heard": "🎙 Preguntaste: «{text}»",
    "voice_saved": "🎙 Guardado: «{text}»",
    "err_voice_too_long": "🎙 Esta grabación dura {minutes} minutos; transcribo hasta {limit}.",
    "err_audio_too_long": "la grabación dura {minutes} minutos, más que el límite de {limit}",
    "err_no_speech": "no se dice nada en la grabación",
    "err_no_audio": "el archivo no contiene audio",
    "err_file_over_limit": "el archivo supera el límite de {limit_mb} MB",
    "err_file_empty": "el archivo está vacío",
    "err_no_text": "no se pudo leer ningún texto del archivo",
    "err_note_empty": "la nota está vacía",
    "err_over_quota": (
        "tu memoria ocupa {used} y esto añade {adds}, más que tu cuota de {quota}; olvida algunos "
        "documentos primero"
    ),
    "err_unsupported_type": (
        "no puedo leer este tipo de archivo ({mime}); envía PDF, DOCX, TXT, Markdown, HTML, EPUB o "
        "una foto"
    ),
    "err_unsupported_archive": "este archivo comprimido no es un DOCX ni un EPUB",
    "err_unpacks_too_large": (
        "{kind_name}: descomprimido ocupa {unpacked_mb} MB, más que el límite de {limit_mb} MB"
    ),
    "err_damaged": "{kind_name}: el archivo está dañado y no se puede leer",
    "err_undecodable": "el texto no está en ninguna codificación que pueda leer",
    "err_pdf_encrypted": "el PDF está protegido con contraseña",
    "err_pdf_scan": "el PDF no tiene capa de texto (¿un escaneo?); envía sus páginas como fotos",
    "err_too_many_pages": "el PDF tiene {pages} páginas, más que el límite de {limit}",
    "err_too_many_megapixels": "la imagen supera el límite de {limit} megapíxeles",
    "digest_header": "🗓 Tu día, {day}",
    "digest_empty": "Ese día no se añadió nada.",
    "part_night": "Madrugada",
    "part_morning": "Mañana",
    "part_afternoon": "Tarde",
    "part_evening": "Noche",
    "count_note": "{n} nota|{n} notas",
    "count_voice": "{n} nota de voz|{n} notas de voz",
    "count_photo": "{n} foto|{n} fotos",
    "count_link": "{n} página|{n} páginas",
    "count_document": "{n} documento|{n} documentos",
    "group_open": "🔒 Abrir nuestro chat privado",
    "group_answered_private": (
        "🔒 {name}, solo respondo sobre tu memoria en nuestro chat privado: la respuesta está allí."
    ),
    "group_note_private": (
        "📝 {name}, lo guardo en tu memoria; te lo confirmo en nuestro chat privado."
    ),
    "group_start_first": (
        "🔒 {name}, tu memoria es privada: solo respondo sobre ella en nuestro chat privado. "
        "Ábrelo con el botón, pulsa Iniciar y vuelve a preguntarme."
    ),
    "group_intro": (
        "👋 Soy mnemo, una memoria privada. En los grupos no guardo nada del chat ni muestro la "
        "memoria de nadie: /note guarda en tu propia memoria, y las preguntas que me hagas (/ask o "
        "una mención) las respondo en nuestro chat privado."
    ),
    "group_refuse_anonymous": (
        "No sé qué memoria usar cuando alguien escribe de forma anónima o como un canal. Escríbeme "
        "en tu propio nombre."
    ),
    "not_your_button": "Este botón no es tuyo: solo funciona en el chat privado de su dueño.",
    "set_aside": (
        "⚠️ Uno de tus mensajes me detuvo cada vez que lo procesé ({attempts} veces), así que lo "
        "he apartado. No se perdió nada de lo que guardaste. Prueba a enviarlo de otra forma (un "
        "archivo más pequeño, una grabación más corta)."
    ),
    "upload_queued": "📥 {name}: n.º {position} en la cola de lectura…",
    "voice_queued": "🎙 N.º {position} en la cola de transcripción…",
    "note_updated": "✏️ Nota actualizada: el texto editado sustituye al anterior en tu memoria.",
    "caption_updated": "✏️ Pie de foto actualizado en tu memoria.",
    "export_packing": "📦 Empaquetando todo lo que guardaste…",
    "export_queued": "📦 N.º {position} en la cola de empaquetado…",
    "export_sending": "📦 Enviando la parte {part} de {parts}…",
    "export_caption": "Todo lo que guardaste: originales, notas y metadatos.",
    "export_part_caption": (
        "Parte {part} de {parts} de todo lo que guardaste: originales, notas y metadatos. Cada "
        "parte es un zip completo."
    ),
    "export_done": (
        "📦 Listo: todo lo que guardaste, en los archivos zip de arriba (partes: {parts})."
    ),
    "export_failed": (
        "❌ Telegram no aceptó la parte {part} de {parts} ({size}). El resto no se envía; en la "
        "máquina donde funciono, `mnemo export --user <tu id>` lo escribe todo en un archivo."
    ),
    "err_llm_refused": (
        "el servidor del modelo rechazó esta pregunta (HTTP {status}); prueba a preguntarla más "
        "corta o de otra forma"
    ),
    "err_too_many_uploads": (
        "📥 Ya tienes {waiting} archivos esperando a ser leídos; envía más cuando terminen."
    ),
    "err_too_many_waiting": (
        "⏳ Ya tienes {waiting} preguntas esperando respuesta; vuelve a preguntar cuando estén "
        "respondidas."
    ),
    "err_too_many_reminders": (
        "⏰ Ya tienes {limit} recordatorios, el máximo permitido; cancela alguno en /reminders "
        "primero."
    ),
    "err_audio_over_limit": "la grabación dura más que el límite de {limit} minutos",
    "weekday_names": "lun mar mié jue vie sáb dom",
    "gather_items": "{n} elemento|{n} elementos",
    "gather_times": "{n} vez|{n} veces",
    "gather_time": "🗓 {when}: {items}",
    "gather_subject": "🔎 {subject}: {items}",
    "gather_all_time": "en toda tu memoria",
    "gather_count": "🔢 {times} ({when})",
    "gather_sum": "💶 En total: {total} ({items}, {when})",
    "gather_more": "Más ({left})",
    "gather_gone": "Esa lista ya no está a mano; pregunta de nuevo.",
    "gather_unmatched": "🗓 Nada lo dice exactamente. Esto es lo que anotaste el {when} ({items}):",
    "gather_day_part": "{day} ({part})",
    "day_parts": "mañana|tarde|noche|madrugada",
    "summary_no_document": "No hay un documento así en tu memoria; /docs los muestra.",
    "summary_partial": "Resumidas {done} de {total} secciones; el resto se está leyendo.",
    "digest_week_header": "🗓 Tu semana, {first} – {last}",
    "weekly_off": "📅 semanal: no",
    "weekly_at": "📅 Tu semana llega cada {day} a las {at}.",
    "help_footer": (
        "Pregúntame un dato, un día o una semana («¿Qué comí el martes?»), un tema («todo "
        "sobre la cabaña»), una cuenta («¿cuántas veces salí a correr en noviembre?»), una "
        "suma o el resumen de un documento («Resume el manual del barco»). Todo lo demás se "
        "guarda como nota."
    ),
    "cmd_start": "qué hago y mi promesa de privacidad",
    "cmd_help": "esta lista",
    "cmd_ask": "pregunta a tu memoria: /ask pregunta",
    "cmd_note": "guarda una nota: /note texto",
    "cmd_search": "busca fragmentos, sin IA: /search palabras",
    "cmd_docs": "tus documentos, con botones para olvidar",
    "cmd_forget": "olvida un documento: /forget ID",
    "cmd_stats": "qué hay guardado y cuánto ocupa",
    "cmd_export": "todo lo que guardaste, en un zip",
    "cmd_wipe": "borra todo lo tuyo",
    "cmd_cancel": "detiene la respuesta en curso",
    "cmd_settings": "idioma y longitud de las respuestas",
    "not_allowed": "Lo siento, este es un asistente privado y no estás en su lista de usuarios.",
    "claimed": (
        "🔑 Ahora eres el propietario de mnemo. Solo tú y las personas que invites pueden usarlo: "
        "/invite crea un enlace de un solo uso para cada una."
    ),
    "joined": "👋 ¡Bienvenido! Ya puedes usar mnemo: lo que le envíes se guarda solo para ti.",
    "invite_link": (
        "🔗 Envía este enlace a una persona. Le permite usar mnemo, funciona una sola vez y "
        "caduca en {days} días:\n{link}"
    ),
    "owner_only": "Solo el propietario del bot puede hacerlo.",
    "invite_off": (
        "Las invitaciones están desactivadas: MNEMO_ALLOWED_USERS dice quién puede usar el bot."
    ),
    "slow_down": (
        "⏳ Son muchos mensajes a la vez. Espera {seconds} s; lo que envíes mientras tanto no "
        "se guarda."
    ),
    "note_forwarded": "📝 Guardado en tu memoria (reenviado de {origin}).",
    "already_stored": "Esto ya está en tu memoria.",
    "usage_ask": "Uso: /ask tu pregunta",
    "usage_note": "Uso: /note texto que recordar",
    "usage_search": "Uso: /search palabras",
    "usage_forget": "Uso: /forget ID (ver /docs)",
    "queued": "⏳ Vas el n.º {position} en la cola…",
    "cancelled": "⏹ Detenido.",
    "nothing_to_cancel": "No hay nada en curso.",
    "no_matches": "Nada en tu memoria coincide.",
    "docs_empty": "Tu memoria está vacía. Envíame una nota, un documento o una foto.",
    "docs_header": "Tus documentos:",
    "forget_button": "🗑 {id}",
    "forgotten": "🗑 Olvidé «{name}».",
    "not_found": "No hay ningún documento {id} en tu memoria.",
    "outdated_button": "⌛ Desactualizado: {what}",
    "outdated_marked": (
        "⌛ Marcado como desactualizado: {what}. "
        "Sigue en tu memoria y en la lista de su día, pero ya no se da como el valor actual."
    ),
    "outdated_restore_button": "↩️ Restaurar",
    "outdated_restored": "↩️ Restaurado: {what} vuelve a estar vigente.",
    "stats": "📊 Documentos: {documents}\nNotas: {notes}\nFragmentos: {chunks}\nEspacio: {storage}",
    "stats_all": "👥 Todos los usuarios: {users}",
    "wipe_confirm": (
        "⚠️ ¿Borrar <b>todo</b> lo que guardaste: documentos, notas, fotos, historial? No se "
        "puede deshacer."
    ),
    "wipe_yes": "Sí, borrar todo",
    "wipe_no": "No, conservarlo",
    "wiped": "Se ha borrado todo lo tuyo.",
    "wipe_kept": "No se borró nada.",
    "settings": "⚙️ Idioma: <b>{interface}</b>\nLongitud de las respuestas: <b>{length}</b>",
    "length_short": "corta",
    "length_normal": "normal",
    "length_long": "larga",
    "reading": "📥 Leyendo {name}…",
    "progress": "📥 {name}: {message}",
    "ingested": "✅ {name}: {pages}{chunks} fragmentos en {seconds:.1f} s. ¡Pregúntame por él!",
    "pages": "{pages} páginas, ",
    "photo_read": "🖼 Guardada. He leído: {text}",
    "photo_no_text": "🖼 Guardada (no encontré texto en ella).",
    "err_upload_too_large": "❌ {name} es demasiado grande (el límite es {limit} MB).",
    "failed": "❌ {name}: {reason}",
    "cmd_digest": "tu día hasta ahora; /digest week: los últimos 7 días",
    "cmd_timezone": "tu zona horaria: /timezone Europe/Madrid",
    "cmd_digest_time": "hora del resumen diario: /digest_time 21:30 u off",
    "digest_at": "🗓 Tu resumen llega cada día a las {at} ({zone}).",
    "digest_off": (
        "🗓 Los resúmenes diarios están desactivados ({zone}). /digest_time 21:00 los activa."
    ),
    "usage_digest": "Uso: /digest, /digest yesterday, /digest 2026-11-20 o /digest week",
    "usage_timezone": "Zona horaria desconocida. Ejemplo: /timezone Europe/Madrid",
    "usage_digest_time": "Indica una hora como 21:30, u off. Ejemplo: /digest_time 21:30",
    "internal_error": "Algo falló por mi parte; no se perdió nada de lo que guardaste.",
    "months": "ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic",
    "date": "{day} {month} {year}",
    "date_short": "{day} {month}",  # a day of this year, in a list
    "date_time": "{date}, {time}",
    "source_note": "nota del {when}",
    "source_voice": "nota de voz del {when}",
    "source_page": "{name}, pág. {page}",
    "source_section": "{name} § {heading}",
    "kind_note": "nota",
    "kind_voice": "nota de voz",
    "pages_short": "{pages} pág.",
    "cli_more": "… {n} más (--all los muestra)",
    "kind_photo": "foto",
    "kind_document": "documento",
    "link_saved": "🔗 Guardé la página «{title}» ({site}) en tu memoria.",
    "link_not_read": "📝 Guardé el enlace como nota; no pude leer su página: {reason}.",
    "err_link_refused": (
        "el enlace lleva a una dirección que no abro (solo páginas públicas http y https)"
    ),
    "err_link_failed": (
        "no se pudo leer la página (inaccesible, demasiado lenta, demasiado grande o sin texto)"
    ),
    "err_import_unreadable": (
        "esto no es una exportación que sepa leer (una exportación de Telegram Desktop: "
        "result.json o un zip de su carpeta; o una exportación de mnemo)"
    ),
    "import_links": (
        "🔗 Enlaces: {read} páginas leídas, {failed} sin leer (sus mensajes se guardan)."
    ),
    "import_reminders": "⏰ Recordatorios recuperados: {added} (mira /reminders).",
    "import_others": "💬 {n} mensajes son de otras personas. ¿Los guardo también, con su autor?",
    "import_others_keep": "👥 Guardarlos también",
    "err_import_held_gone": "ya no tengo esa exportación: envíala otra vez y pulsa el botón",
    "err_import_held_expired": "guardo la exportación solo {hours} horas: envíala otra vez",
    "import_progress": "📥 Importando {name}: {done} de {total}…",
    "import_done": (
        "✅ Importado {name}: {added} añadidos, {already} ya estaban en tu memoria, {failed} "
        "no se pudieron leer. Cada mensaje conserva su fecha."
    ),
    "err_import_too_large": (
        "❌ {name} supera los {limit} MB, más de lo que un bot puede recibir aquí. Impórtalo "
        "en la máquina donde funciona mnemo: mnemo import RUTA --user {user}"
    ),
    "backup_done": "💾 Copia de seguridad escrita: {path} ({size}).",
    "backup_failed": "❌ La copia de seguridad falló: {reason}",
    "kind_link": "página",
    "err_import_not_yours": (
        "ninguno de los mensajes de la exportación es tuyo (es la exportación de otra persona)"
    ),
    "admins_only": "Solo los administradores del bot pueden hacerlo.",
    "err_backup_refused": "la copia de seguridad no se puede escribir ni leer",
    "cmd_reminders": "lo que viene, con botones para cancelar",
    "cmd_brief": "resumen de la mañana: /brief 08:00 u off",
    "when_today": "hoy a las {time}",
    "when_tomorrow": "mañana a las {time}",
    "when_on": "el {day} a las {time}",
    "every_day": "todos los días a las {time}",
    "every_weekdays": "cada {days} a las {time}",
    "reminder_set": "⏰ Te lo recordaré {when}: {task}",
    "reminder_zone": (
        "Las horas están en {zone}. Pon la tuya con /timezone, p. ej. /timezone Europe/Madrid."
    ),
    "reminder_when": (
        "⏰ ¿Cuándo te lo recuerdo: {task}? Responde a este mensaje con una hora, p. "
        "ej. «mañana a las 10» o «en 2 horas»."
    ),
    "reminder_which": "⏰ {task}: ¿a qué hora? Toca una, o responde con una hora.",
    "reminder_past": "⏰ {when} ya pasó. ¿Cuándo te lo recuerdo: {task}? Responde con una hora.",
    "reminder_message": "⏰ Recordatorio: {task}",
    "reminder_late": "(con retraso: era para {at})",
    "reminder_next": "(el próximo: {when})",
    "reminder_offer": "⏰ ¿Te lo recuerdo {when}?",
    "reminder_cancelled": "✖️ Cancelado: {task}",
    "reminder_done": "✅ Hecho: {task}",
    "reminder_snoozed": "💤 Te lo recordaré otra vez {when}: {task}",
    "reminder_gone": "Ese recordatorio ya no está.",
    "reminders_none": "No hay recordatorios pendientes. Di «recuérdame mañana a las 9 …».",
    "reminders_header": "⏰ Recordatorios pendientes:",
    "btn_change": "✏️ Cambiar",
    "btn_cancel": "✖️ Cancelar",
    "btn_done": "✅ Hecho",
    "btn_snooze_10m": "💤 10 min",
    "btn_snooze_1h": "💤 1 hora",
    "btn_snooze_tomorrow": "💤 Mañana",
    "btn_remind": "⏰ Recuérdamelo",
    "btn_cancel_n": "✖️ {n}",
    "digest_tomorrow": "Mañana",
    "brief_header": "☀️ Hoy, {day}",
    "brief_at": "☀️ Resumen de la mañana: cada día a las {at}.",
    "brief_off": "☀️ Resumen de la mañana: no",
    "usage_brief": "Indica una hora como 08:00, u off. Ejemplo: /brief 08:00",
    # La línea de comandos (cli/).
    "cli_error": "error:",
    "cli_err_other": "mnemo no puede hacerlo ahora: {detail}",
    "cli_err_document_not_found": "no hay ningún documento {doc_id} en tu memoria",
    "cli_err_too_many_reminders": (
        "ya tienes {limit} recordatorios, el máximo permitido; cancela alguno antes "
        "(mnemo reminders --cancel ID)"
    ),
    "cli_no_such_file": "{path}: no existe ese archivo",
    "cli_unreadable": "{path}: no se pudo leer (error interno, mira el registro)",
    "cli_ingested": (
        "✓ {name}: documento {id}, {kind}, {pages}{chunks} fragmentos, {seconds:.1f} s"
    ),
    "cli_pages": "{pages} páginas, ",
    "cli_already": "= {name}: ya está en la memoria como documento {id}",
    "cli_read": "  texto leído: {text}",
    "cli_no_text": "(no se encontró texto)",
    "cli_voice_kept": "✓ {name}: guardado como nota de voz, documento {id}",
    "cli_voice_already": "✓ {name}: ya está en la memoria como documento {id}",
    "cli_no_matches": "Nada en esta memoria coincide.",
    "cli_hit": "(doc. {id}, puntuación {score:.3f})",
    "cli_chat_intro": (
        "mnemo chat: pregunta lo que quieras sobre tu memoria. Ctrl-D o «exit» para salir."
    ),
    "cli_chat_prompt": "tú> ",
    "cli_stopped": "(detenido)",
    "cli_note_saved": "Nota guardada como documento {id}.",
    "cli_note_already": "La nota ya está en la memoria como documento {id}.",
    "cli_link_read": "🔗 Página leída de {site}: «{name}», documento {id}.",
    "cli_link_failed": "🔗 No se pudo leer la página:",
    "cli_docs_empty": "Esta memoria está vacía.",
    "cli_docs_columns": "id|nombre|tipo|páginas|fragmentos|tamaño|añadido (UTC)|estado",
    "cli_forgotten": "Documento {id} ({name}) olvidado.",
    "cli_exported": "✓ {path}: {documents}, {size}",
    "cli_week": "Tu semana, {first} – {last} ({zone})",
    "cli_week_empty": "No se añadió nada esa semana.",
    "cli_day_empty": "No se añadió nada el {day} ({zone}).",
    "cli_remind_not_asked": (
        "eso no pide un recordatorio; por ejemplo: «recuérdame mañana a las 9 que …»"
    ),
    "cli_remind_no_time": "falta la hora: di cuándo, p. ej. «mañana a las 9» o «en 20 minutos»",
    "cli_remind_ambiguous": "¿de la mañana o de la tarde? dilo con la hora, p. ej. 17:00",
    "cli_remind_past": "esa hora ya pasó",
    "cli_reminder_set": "⏰ programado: {line}",
    "cli_reminder_cancelled": "✖ cancelado: {line}",
    "cli_reminder_not_found": "el usuario {user} no tiene el recordatorio {id}",
    "cli_reminders_none": "No hay recordatorios pendientes.",
    "cli_reminder_line": "#{id} {at} ({zone}{every}): {task}",
    "cli_every_day": ", todos los días",
    "cli_every_weekdays": ", cada {days}",
    "cli_importing": "importando {name}",
    "cli_import_telegram": "exportación de Telegram",
    "cli_import_folder": "carpeta",
    "cli_import_mnemo_export": "exportación de mnemo",
    "cli_imported": "✓ {kind}: {added} añadidos, {already} ya estaban en la memoria",
    "cli_import_replaced": ", {n} cambiados y reemplazados",
    "cli_import_links": ", {n} páginas enlazadas leídas",
    "cli_import_links_failed": ", {n} enlaces sin leer",
    "cli_import_skipped": ", {n} omitidos (mensajes de servicio o de otras personas)",
    "cli_import_attributed": ", {n} ahora con quién lo dijo",
    "cli_import_others": "{n} mensajes de otros omitidos (--all-senders los guarda)",
    "cli_import_failed": ", {n} fallidos, en {seconds:.1f} s",
    "cli_import_reminders": "⏰ recordatorios: {added} restaurados, {already} ya estaban",
    "cli_import_past": ", {n} ya vencidos (no restaurados)",
    "cli_import_unreadable": ", {n} ilegibles",
    "cli_import_more": "  … y {n} más (mira el registro con -v)",
    "cli_import_forgotten": "{n} olvidados:",
    "cli_import_gone": "{n} ya no están en la carpeta (olvídalos con --prune):",
}
