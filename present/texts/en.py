"""The bot's words in English: every key is here, and the other languages fall back to these."""

TEXTS: dict[str, str] = {
    "start": (
        "Hi! I'm <b>mnemo</b>, your private memory.\n\nSend me notes, voice messages, documents "
        "(PDF, DOCX, TXT, Markdown, HTML, EPUB) and photos, and ask me about them any time, in "
        "writing or aloud. I answer only from what you gave me, with sources.\n\n🔒 <b>Nothing "
        "leaves this machine</b>: your files, notes and questions are stored and processed here, "
        "by a local model. No cloud, no telemetry.\n\n/help lists what I can do."
    ),
    "help_header": "What I can do:",
    "help_footer": (
        "Ask for one fact, a day or a week (“What did I eat on Tuesday?”), a subject "
        "(“everything about the cabin”), a count (“how many times did I go jogging in "
        "November?”), a sum, or a document's summary (“Summarize the boat handbook”). "
        "Anything else is saved as a note."
    ),
    "cmd_start": "what I do and my privacy promise",
    "cmd_help": "this list",
    "cmd_ask": "ask your memory: /ask question",
    "cmd_note": "save a note: /note text",
    "cmd_search": "find passages, no AI: /search words",
    "cmd_docs": "your documents, with buttons to forget",
    "cmd_forget": "forget a document: /forget ID",
    "cmd_stats": "what is stored and how much space",
    "cmd_export": "everything you stored, as a zip",
    "cmd_wipe": "delete everything of yours",
    "cmd_cancel": "stop the answer being written",
    "cmd_settings": "language and answer length",
    "not_allowed": "Sorry, this is a private assistant and you are not on its list of users.",
    "claimed": (
        "🔑 You are now mnemo's owner. Only you and the people you invite can use it: /invite "
        "makes a one-time link for each of them."
    ),
    "joined": "👋 Welcome! You can now use mnemo: what you send it is kept for you alone.",
    "invite_link": (
        "🔗 Send this link to one person. It lets them use mnemo, works once and expires in "
        "{days} days:\n{link}"
    ),
    "owner_only": "Only the bot's owner can do that.",
    "invite_off": "Invites are off: MNEMO_ALLOWED_USERS says who may use this bot.",
    "slow_down": (
        "⏳ That is a lot of messages at once. Please wait {seconds} s; what you sent meanwhile is "
        "not kept."
    ),
    "note_saved": "📝 Saved to your memory.",
    "note_forwarded": "📝 Saved to your memory (forwarded from {origin}).",
    "already_stored": "This is already in your memory.",
    "usage_ask": "Usage: /ask your question",
    "usage_note": "Usage: /note text to remember",
    "usage_search": "Usage: /search words",
    "usage_forget": "Usage: /forget ID (see /docs)",
    "queued": "⏳ You are #{position} in line…",
    "llm_unavailable": (
        "⏳ The model that writes answers can't be reached right now. Your question is kept: the "
        "answer will appear here when it is back."
    ),
    "from_memory": "📌 From your memory:",
    "closest": "🔎 The closest things in your memory:",
    "cancelled": "⏹ Stopped.",
    "nothing_to_cancel": "Nothing is running.",
    "no_matches": "Nothing in your memory matches.",
    "docs_empty": "Your memory is empty. Send me a note, a document or a photo.",
    "docs_header": "Your documents:",
    "forget_button": "🗑 {id}",
    "forgotten": "🗑 Forgot “{name}”.",
    "not_found": "No document {id} in your memory.",
    "outdated_button": "⌛ Outdated: {what}",
    "outdated_marked": (
        "⌛ Marked as outdated: {what}. "
        "It stays in your memory and in its day's list, "
        "but is no longer given as the current value."
    ),
    "outdated_restore_button": "↩️ Restore",
    "outdated_restored": "↩️ Restored: {what} holds again.",
    "stats": "📊 Documents: {documents}\nNotes: {notes}\nChunks: {chunks}\nStorage: {storage}",
    "stats_all": "👥 All users: {users}",
    "export_caption": "Everything you stored: originals, notes and metadata.",
    "wipe_confirm": (
        "⚠️ Delete <b>everything</b> you stored: documents, notes, photos, history? This cannot be "
        "undone."
    ),
    "wipe_yes": "Yes, delete everything",
    "wipe_no": "No, keep it",
    "wiped": "Everything of yours has been deleted.",
    "wipe_kept": "Nothing was deleted.",
    "settings": "⚙️ Language: <b>{interface}</b>\nAnswer length: <b>{length}</b>",
    "length_short": "short",
    "length_normal": "normal",
    "length_long": "long",
    "reading": "📥 Reading {name}…",
    "progress": "📥 {name}: {message}",
    "ingested": "✅ {name}: {pages}{chunks} chunks in {seconds:.1f} s. Ask me about it!",
    "pages": "{pages} pages, ",
    "photo_read": "🖼 Saved. I read: {text}",
    "photo_what": (
        "What's on this photo? Reply to this message with a few words (or a voice note) and I'll "
        "remember it."
    ),
    "photo_labelled": "🖼 Got it: the photo shows “{text}”.",
    "photo_no_text": "🖼 Saved (no text found in it).",
    "err_upload_too_large": "❌ {name} is too large (the limit is {limit} MB).",
    "failed": "❌ {name}: {reason}",
    # Errors of the core, by code (knowledge.domain.errors), with the parameters they carry;
    # a `kind` parameter (pdf, docx...) is worded as {kind_name}.
    "kind_pdf": "PDF",
    "kind_docx": "Word document",
    "kind_epub": "EPUB book",
    "kind_html": "web page",
    "kind_markdown": "Markdown file",
    "kind_text": "text file",
    "kind_image": "image",
    "kind_audio": "recording",
    "listening": "🎙 Listening…",
    "transcribing": "🎙 {progress}",
    "voice_heard": "🎙 You asked: “{text}”",
    "voice_saved": "🎙 Saved: “{text}”",
    "err_voice_too_long": "🎙 This recording lasts {minutes} minutes; I transcribe up to {limit}.",
    "err_audio_too_long": "the recording lasts {minutes} minutes, over the {limit}-minute limit",
    "err_no_speech": "nothing is said in the recording",
    "err_no_audio": "the file holds no audio",
    "err_file_over_limit": "the file is over the {limit_mb} MB limit",
    "err_file_empty": "the file is empty",
    "err_no_text": "no text could be read from the file",
    "err_note_empty": "the note is empty",
    "err_over_quota": (
        "your memory holds {used} and this adds {adds}, over your {quota} quota; forget some "
        "documents first"
    ),
    "err_unsupported_type": (
        "unsupported file type ({mime}); I read PDF, DOCX, TXT, Markdown, HTML, EPUB and photos"
    ),
    "err_unsupported_archive": "this archive is not a DOCX or EPUB file",
    "err_unpacks_too_large": (
        "the {kind_name} unpacks to {unpacked_mb} MB, over the {limit_mb} MB limit"
    ),
    "err_damaged": "the {kind_name} is damaged and cannot be read",
    "err_undecodable": "the text is not in any encoding I can read",
    "err_pdf_encrypted": "the PDF is password-protected",
    "err_pdf_scan": "the PDF has no text layer (a scan?); send its pages as photos",
    "err_too_many_pages": "the PDF has {pages} pages, over the {limit}-page limit",
    "err_too_many_megapixels": "the image is over the {limit}-megapixel limit",
    "cmd_digest": "your day so far; /digest week: the last 7 days",
    "cmd_timezone": "your timezone: /timezone Europe/Madrid",
    "cmd_digest_time": "daily digest time: /digest_time 21:30 or off",
    "digest_header": "🗓 Your day, {day}",
    "digest_empty": "Nothing was added that day.",
    "part_night": "Night",
    "part_morning": "Morning",
    "part_afternoon": "Afternoon",
    "part_evening": "Evening",
    # Counts: singular|plural (Russian: one|few|many), by plural_form().
    "count_note": "{n} note|{n} notes",
    "count_voice": "{n} voice note|{n} voice notes",
    "count_photo": "{n} photo|{n} photos",
    "count_link": "{n} page|{n} pages",
    "count_document": "{n} document|{n} documents",
    "digest_at": "🗓 Your digest comes every day at {at} ({zone}).",
    "digest_off": "🗓 Daily digests are off ({zone}). /digest_time 21:00 turns them on.",
    "usage_digest": "Usage: /digest, /digest yesterday, /digest 2026-11-20 or /digest week",
    "usage_timezone": "Unknown timezone. Example: /timezone Europe/Madrid",
    "usage_digest_time": "Give a time like 21:30, or off. Example: /digest_time 21:30",
    "internal_error": "Something went wrong on my side; nothing you stored was lost.",
    # Groups, limits and deliveries (issue 22).
    "group_open": "🔒 Open our private chat",
    "group_answered_private": (
        "🔒 {name}, I answer about your memory only in our private chat: the reply is there."
    ),
    "group_note_private": (
        "📝 {name}, I'm keeping that in your memory; I confirm in our private chat."
    ),
    "group_start_first": (
        "🔒 {name}, your memory is private: I answer about it only in our private chat. Open it "
        "with the button, press Start, then ask me again."
    ),
    "group_intro": (
        "👋 I'm mnemo, a private memory. In groups I keep nothing of the chat and show nobody's "
        "memory: /note saves into your own memory, and questions to me (/ask, or a mention) are "
        "answered in our private chat."
    ),
    "group_refuse_anonymous": (
        "I can't tell whose memory to use when someone writes anonymously or as a channel. Write "
        "to me as yourself."
    ),
    "not_your_button": "This button isn't yours: it works only in its owner's private chat.",
    "set_aside": (
        "⚠️ One of your messages stopped me each time I handled it ({attempts} times), so I set it "
        "aside. Nothing you stored before was lost. Try sending it again in another form (a "
        "smaller file, a shorter recording)."
    ),
    "upload_queued": "📥 {name}: #{position} in line to be read…",
    "voice_queued": "🎙 #{position} in line to be transcribed…",
    "note_updated": "✏️ Note updated: the edited words replace the old ones in your memory.",
    "caption_updated": "✏️ Caption updated in your memory.",
    "export_packing": "📦 Packing everything you stored…",
    "export_queued": "📦 #{position} in line to be packed…",
    "export_sending": "📦 Sending part {part} of {parts}…",
    "export_part_caption": (
        "Part {part} of {parts} of everything you stored: originals, notes and metadata. Each part "
        "is a zip on its own."
    ),
    "export_done": "📦 Done: everything you stored, in {parts} zip file(s) above.",
    "export_failed": (
        "❌ Telegram did not take part {part} of {parts} ({size}). The rest is not sent; on the "
        "machine that runs me, `mnemo export --user <your id>` writes everything to one file."
    ),
    "err_llm_refused": (
        "the model server refused this question (HTTP {status}); try asking it shorter or "
        "differently"
    ),
    "err_too_many_uploads": (
        "📥 You have {waiting} files waiting to be read already; send more once they are done."
    ),
    "err_too_many_waiting": (
        "⏳ You have {waiting} questions waiting for an answer already; ask again once they are "
        "answered."
    ),
    "err_too_many_reminders": (
        "⏰ You have {limit} reminders set already, the most one may have; cancel some in "
        "/reminders first."
    ),
    "err_audio_over_limit": "the recording is longer than the {limit}-minute limit",
    "weekday_names": "Mon Tue Wed Thu Fri Sat Sun",
    "gather_items": "{n} item|{n} items",
    "gather_times": "{n} time|{n} times",
    "gather_time": "🗓 {when}: {items}",
    "gather_subject": "🔎 {subject}: {items}",
    "gather_all_time": "all of your memory",
    "gather_count": "🔢 {times} ({when})",
    "gather_sum": "💶 In all: {total} ({items}, {when})",
    "gather_more": "More ({left})",
    "gather_gone": "That list is no longer at hand; ask again.",
    "gather_unmatched": (
        "🗓 Nothing in your notes says exactly. Here is what you noted on {when} ({items}):"
    ),
    "gather_day_part": "{day} ({part})",
    "day_parts": "morning|afternoon|evening|night",
    "summary_no_document": "No document like that in your memory; /docs lists them.",
    "summary_partial": "{done} of {total} sections condensed so far; the rest is being read.",
    "digest_week_header": "🗓 Your week, {first} – {last}",
    "weekly_off": "📅 weekly: off",
    "weekly_at": "📅 Your week comes every {day} at {at}.",
    "months": "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
    "date": "{month} {day}, {year}",
    "date_short": "{month} {day}",  # a day of this year, in a list
    "date_time": "{date} {time}",
    "source_note": "note of {when}",
    "source_voice": "voice note of {when}",
    "source_page": "{name} p.{page}",
    "source_section": "{name} § {heading}",
    "kind_note": "note",
    "kind_voice": "voice note",
    "pages_short": "{pages} p.",
    "cli_more": "… {n} more (--all shows them)",
    "kind_photo": "photo",
    "kind_document": "document",
    "link_saved": "🔗 Saved the page “{title}” ({site}) to your memory.",
    "link_not_read": "📝 Saved the link as a note; its page was not read: {reason}.",
    "err_link_refused": (
        "the link leads to an address I do not open (only public http and https pages)"
    ),
    "err_link_failed": (
        "the page could not be read (unreachable, too slow, too large, or without text)"
    ),
    "err_import_unreadable": (
        "this is not an export I can read (a Telegram Desktop export: result.json or a zip "
        "of its folder; or a mnemo export)"
    ),
    "import_links": "🔗 Links: {read} pages read, {failed} not read (their messages are kept).",
    "import_reminders": "⏰ Reminders brought back: {added} (see /reminders).",
    "import_others": "💬 {n} messages are from others. Keep them too, each marked with its author?",
    "import_others_keep": "👥 Keep theirs too",
    "err_import_held_gone": "the export is no longer here: send it again, then press the button",
    "err_import_held_expired": "the export is kept for {hours} hours only: send it again",
    "import_progress": "📥 Importing {name}: {done} of {total}…",
    "import_done": (
        "✅ Imported {name}: {added} added, {already} already in your memory, {failed} could "
        "not be read. Each message keeps its own date."
    ),
    "err_import_too_large": (
        "❌ {name} is over {limit} MB, more than a bot can receive here. Import it on the "
        "machine mnemo runs on: mnemo import PATH --user {user}"
    ),
    "backup_done": "💾 Backup written: {path} ({size}).",
    "backup_failed": "❌ The backup failed: {reason}",
    "kind_link": "page",
    "err_import_not_yours": (
        "none of the export's messages are yours (it is someone else's chat export)"
    ),
    "admins_only": "Only the bot's admins can do that.",
    "err_backup_refused": "the backup cannot be written or read",
    "cmd_reminders": "what is coming, with cancel buttons",
    "cmd_brief": "morning brief time: /brief 08:00 or off",
    "when_today": "today at {time}",
    "when_tomorrow": "tomorrow at {time}",
    "when_on": "on {day} at {time}",
    "every_day": "every day at {time}",
    "every_weekdays": "every {days} at {time}",
    "reminder_set": "⏰ I'll remind you {when}: {task}",
    "reminder_zone": "Times are in {zone}. Set yours with /timezone, e.g. /timezone Europe/Madrid.",
    "reminder_when": (
        "⏰ When should I remind you: {task}? Reply to this message with a time, e.g. "
        "“tomorrow at 10” or “in 2 hours”."
    ),
    "reminder_which": "⏰ {task}: which time? Tap one, or reply with a time.",
    "reminder_past": (
        "⏰ {when} has already passed. When should I remind you: {task}? Reply with a time."
    ),
    "reminder_message": "⏰ Reminder: {task}",
    "reminder_late": "(late: was due {at})",
    "reminder_next": "(next: {when})",
    "reminder_offer": "⏰ Remind you {when}?",
    "reminder_cancelled": "✖️ Cancelled: {task}",
    "reminder_done": "✅ Done: {task}",
    "reminder_snoozed": "💤 I'll remind you again {when}: {task}",
    "reminder_gone": "That reminder is no longer there.",
    "reminders_none": "No reminders coming. Say “remind me tomorrow at 9 to …”.",
    "reminders_header": "⏰ Coming reminders:",
    "btn_change": "✏️ Change",
    "btn_cancel": "✖️ Cancel",
    "btn_done": "✅ Done",
    "btn_snooze_10m": "💤 10 min",
    "btn_snooze_1h": "💤 1 hour",
    "btn_snooze_tomorrow": "💤 Tomorrow",
    "btn_remind": "⏰ Remind me",
    "btn_cancel_n": "✖️ {n}",
    "digest_tomorrow": "Tomorrow",
    "brief_header": "☀️ Today, {day}",
    "brief_at": "☀️ Morning brief: every day at {at}.",
    "brief_off": "☀️ Morning brief: off",
    "usage_brief": "Give a time like 08:00, or off. Example: /brief 08:00",
    # The command line (cli/): plain text for a terminal, in the user's language.
    "cli_error": "error:",
    "cli_err_other": "mnemo cannot do that now: {detail}",
    "cli_err_document_not_found": "no document {doc_id} in your memory",
    "cli_err_too_many_reminders": (
        "you have {limit} reminders set already, the most one may have; cancel some first "
        "(mnemo reminders --cancel ID)"
    ),
    "cli_no_such_file": "{path}: no such file",
    "cli_unreadable": "{path}: could not be read (internal error, see log)",
    "cli_ingested": "✓ {name}: document {id}, {kind}, {pages}{chunks} chunks, {seconds:.1f} s",
    "cli_pages": "{pages} pages, ",
    "cli_already": "= {name}: already in memory as document {id}",
    "cli_read": "  read: {text}",
    "cli_no_text": "(no text found)",
    "cli_voice_kept": "✓ {name}: kept as voice note document {id}",
    "cli_voice_already": "✓ {name}: already in memory as document {id}",
    "cli_no_matches": "Nothing in this memory matches.",
    "cli_hit": "(doc {id}, score {score:.3f})",
    "cli_chat_intro": "mnemo chat: ask anything about your memory. Ctrl-D or 'exit' leaves.",
    "cli_chat_prompt": "you> ",
    "cli_stopped": "(stopped)",
    "cli_note_saved": "Note saved as document {id}.",
    "cli_note_already": "Note already in memory as document {id}.",
    "cli_link_read": "🔗 Page read from {site}: “{name}”, document {id}.",
    "cli_link_failed": "🔗 The page could not be read:",
    "cli_docs_empty": "This memory is empty.",
    "cli_docs_columns": "id|name|kind|pages|chunks|size|added (UTC)|status",
    "cli_forgotten": "Forgot document {id} ({name}).",
    "cli_exported": "✓ {path}: {documents}, {size}",
    "cli_week": "Your week, {first} – {last} ({zone})",
    "cli_week_empty": "Nothing was added that week.",
    "cli_day_empty": "Nothing was added on {day} ({zone}).",
    "cli_remind_not_asked": (
        "that does not ask for a reminder, e.g. “remind me tomorrow at 9 to …”"
    ),
    "cli_remind_no_time": "no time given: say when, e.g. “tomorrow at 9” or “in 20 minutes”",
    "cli_remind_ambiguous": "morning or evening? say it with the hour, e.g. 17:00",
    "cli_remind_past": "that time has already passed",
    "cli_reminder_set": "⏰ set: {line}",
    "cli_reminder_cancelled": "✖ cancelled: {line}",
    "cli_reminder_not_found": "no reminder {id} of user {user}",
    "cli_reminders_none": "No reminders coming.",
    "cli_reminder_line": "#{id} {at} ({zone}{every}): {task}",
    "cli_every_day": ", every day",
    "cli_every_weekdays": ", every {days}",
    "cli_importing": "importing {name}",
    "cli_import_telegram": "Telegram export",
    "cli_import_folder": "folder",
    "cli_import_mnemo_export": "mnemo export",
    "cli_imported": "✓ {kind}: {added} added, {already} already in memory",
    "cli_import_replaced": ", {n} changed and replaced",
    "cli_import_links": ", {n} linked pages read",
    "cli_import_links_failed": ", {n} links not read",
    "cli_import_skipped": ", {n} skipped (service or others' messages)",
    "cli_import_attributed": ", {n} now with who said them",
    "cli_import_others": "{n} messages of others left out (--all-senders keeps them)",
    "cli_import_failed": ", {n} failed, in {seconds:.1f} s",
    "cli_import_reminders": "⏰ reminders: {added} restored, {already} already here",
    "cli_import_past": ", {n} past their time (not restored)",
    "cli_import_unreadable": ", {n} unreadable",
    "cli_import_more": "  … and {n} more (see the log with -v)",
    "cli_import_forgotten": "{n} forgotten:",
    "cli_import_gone": "{n} no longer in the folder (forget with --prune):",
}
