"""The bot's words in Chinese; a key missing here is shown in English."""

TEXTS: dict[str, str] = {
    "start": (
        "你好！我是 <b>mnemo</b>，你的私人记忆助手。\n\n发送笔记、语音、文档和照片，随时提问。🔒 "
        "<b>所有内容都不会离开这台机器</b>。\n\n/help"
    ),
    "help_header": "我能做的：",
    "note_saved": "📝 已保存到你的记忆。",
    "llm_unavailable": (
        "⏳ 生成回答的模型暂时无法连接。你的问题已保存：模型恢复后，回答会显示在这里。"
    ),
    "from_memory": "📌 来自你的记忆：",
    "closest": "🔎 你的记忆中最接近的内容：",
    "photo_what": "这张照片里是什么？回复这条消息写几个字（或发语音），我会记住。",
    "photo_labelled": "🖼 记住了：照片里是“{text}”。",
    "kind_pdf": "PDF 文件",
    "kind_docx": "Word 文档",
    "kind_epub": "EPUB 电子书",
    "kind_html": "网页",
    "kind_markdown": "Markdown 文件",
    "kind_text": "文本文件",
    "kind_image": "图片",
    "kind_audio": "录音",
    "listening": "🎙 正在听…",
    "transcribing": "🎙 {progress}",
    "voice_heard": "🎙 你问：“{text}”",
    "voice_saved": "🎙 已保存：“{text}”",
    "voice_too_long": "🎙 这段录音长 {minutes} 分钟；我最多转写 {limit} 分钟。",
    "err_audio_too_long": "录音长 {minutes} 分钟，超过 {limit} 分钟的上限",
    "err_no_speech": "录音里没有说话",
    "err_no_audio": "文件里没有音频",
    "err_file_over_limit": "文件超过 {limit_mb} MB 的上限",
    "err_file_empty": "文件是空的",
    "err_no_text": "无法从文件中读取任何文字",
    "err_note_empty": "笔记是空的",
    "err_over_quota": (
        "你的记忆已占用 {used}，此文件再加 {adds}，超过 {quota} 的配额；请先删除一些文档"
    ),
    "err_unsupported_type": (
        "无法读取这种文件（{mime}）；请发送 PDF、DOCX、TXT、Markdown、HTML、EPUB 或照片"
    ),
    "err_unsupported_archive": "这个压缩文件不是 DOCX 或 EPUB",
    "err_unpacks_too_large": "{kind_name}解压后为 {unpacked_mb} MB，超过 {limit_mb} MB 的上限",
    "err_damaged": "{kind_name}已损坏，无法读取",
    "err_undecodable": "无法识别文本的编码",
    "err_pdf_encrypted": "该 PDF 有密码保护",
    "err_pdf_scan": "该 PDF 没有文字层（扫描件？）；请把页面作为照片发送",
    "err_too_many_pages": "该 PDF 有 {pages} 页，超过 {limit} 页的上限",
    "err_too_many_megapixels": "图片超过 {limit} 百万像素的上限",
    "digest_header": "🗓 你的一天，{day}",
    "digest_empty": "那天没有添加任何内容。",
    "part_night": "凌晨",
    "part_morning": "上午",
    "part_afternoon": "下午",
    "part_evening": "晚上",
    "count_note": "{n} 条笔记",
    "count_voice": "{n} 条语音",
    "count_photo": "{n} 张照片",
    "count_document": "{n} 个文档",
    "group_open": "🔒 打开私聊",
    "group_answered_private": "🔒 {name}，关于你的记忆我只在私聊里回答：回复在那里。",
    "group_note_private": "📝 {name}，我把这条存进你的记忆；确认会发到私聊。",
    "group_start_first": (
        "🔒 {name}，你的记忆是私密的：我只在私聊里回答。用按钮打开私聊，点“开始”，然后再问我一次。"
    ),
    "group_intro": (
        "👋 我是 mnemo，私人记忆助手。在群组里我不保存聊天内容，也不展示任何人的记忆：/note "
        "存进你自己的记忆，问我的问题（/ask 或提到我）我在私聊里回答。"
    ),
    "group_refuse_anonymous": (
        "匿名或以频道身份发言时，我无法知道该用谁的记忆。请用你自己的身份给我发消息。"
    ),
    "not_your_button": "这个按钮不是你的：它只在主人的私聊里有效。",
    "set_aside": (
        "⚠️ 你的一条消息每次处理时都让我停止运行（共 {attempts} 次），所以我把它搁置了。"
        "你之前保存的内容都没有丢失。请换一种方式再发一次（更小的文件、更短的录音）。"
    ),
    "upload_queued": "📥 {name}：排在第 {position} 位等待读取…",
    "voice_queued": "🎙 排在第 {position} 位等待转写…",
    "note_updated": "✏️ 笔记已更新：修改后的文字替换了记忆中的旧内容。",
    "caption_updated": "✏️ 记忆中的说明文字已更新。",
    "export_packing": "📦 正在打包你保存的所有内容…",
    "export_queued": "📦 排在第 {position} 位等待打包…",
    "export_sending": "📦 正在发送第 {part} 部分，共 {parts} 部分…",
    "export_caption": "你保存的所有内容：原始文件、笔记和元数据。",
    "export_part_caption": (
        "你保存的所有内容的第 {part} 部分，共 {parts} 部分：原始文件、笔记和元数据。"
        "每部分都是独立的 zip。"
    ),
    "export_done": "📦 完成：你保存的所有内容都在上面的 zip 文件里（共 {parts} 部分）。",
    "export_failed": (
        "❌ Telegram 没有接收第 {part} 部分（共 {parts} 部分，{size}）。其余部分未发送；"
        "在运行我的机器上，`mnemo export --user <你的 id>` 可以把全部内容写进一个文件。"
    ),
    "err_llm_refused": "模型服务器拒绝了这个问题（HTTP {status}）；请换个更短或不同的问法",
    "err_too_many_waiting": "⏳ 你已经有 {waiting} 个问题在等待回答；等它们回答后再问吧。",
    "err_audio_over_limit": "录音超过 {limit} 分钟的上限",
    "weekday_names": "周一 周二 周三 周四 周五 周六 周日",
    "gather_items": "{n} 条",
    "gather_times": "{n} 次",
    "gather_time": "🗓 {when}：{items}",
    "gather_subject": "🔎 {subject}：{items}",
    "gather_count": "🔢 {times}（{when}）",
    "gather_sum": "💶 合计：{total}（{items}，{when}）",
    "gather_more": "更多（{left}）",
    "gather_gone": "这个列表已不在手边；请再问一次。",
    "summary_no_document": "你的记忆里没有这样的文档；/docs 可以列出它们。",
    "summary_partial": "已概括 {done}/{total} 个部分；其余的正在阅读。",
    "digest_week_header": "🗓 你的一周，{first} – {last}",
    "weekly_off": "📅 每周：关",
    "weekly_at": "📅 每{day} {at} 发送一周摘要。",
}
