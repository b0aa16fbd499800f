"""Builds the Telegram Application over the knowledge core and runs it."""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import commands, digests, guard, messages, questions, uploads, voice
from bot.context import MnemoApplication, MnemoContext
from bot.deferred import replay
from bot.health import start_health_server
from bot.logs import redact_token
from bot.settings import BotSettings
from bot.state import BotState
from knowledge.bootstrap import Services, bootstrap
from knowledge.domain.errors import MnemoError
from knowledge.services.timeframe import warm_up as warm_up_timeframes

log = logging.getLogger(__name__)
PRUNE_SECONDS = 3600  # how often handled updates past the retention window are forgotten


def build_application(settings: BotSettings, services: Services) -> MnemoApplication:
    api = settings.telegram_api_url.rstrip("/")
    application = (
        Application.builder()
        .token(settings.telegram_bot_token or "")
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=5))
        .concurrent_updates(True)
        .context_types(ContextTypes(context=MnemoContext, bot_data=BotState))
        .get_updates_read_timeout(settings.poll_timeout + 10)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.attach(services, settings)
    application.add_handler(TypeHandler(Update, guard.admit), group=-1)
    handlers = [
        CommandHandler("start", commands.start),
        CommandHandler("help", commands.help_command),
        CommandHandler("ask", messages.ask_command),
        CommandHandler("note", messages.note_command),
        CommandHandler("search", commands.search),
        CommandHandler("docs", commands.docs),
        CommandHandler("forget", commands.forget),
        CommandHandler("stats", commands.stats),
        CommandHandler("export", commands.export),
        CommandHandler("wipe", commands.wipe),
        CommandHandler("cancel", questions.cancel),
        CommandHandler("settings", commands.settings),
        CommandHandler("digest", digests.digest_command),
        CommandHandler("timezone", digests.timezone_command),
        CommandHandler("digest_time", digests.digest_time_command),
        CallbackQueryHandler(commands.on_button),
        MessageHandler(filters.Document.ALL, uploads.on_document),
        MessageHandler(filters.PHOTO, uploads.on_photo),
        MessageHandler(filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE, voice.on_voice),
        MessageHandler(filters.TEXT & ~filters.COMMAND, messages.on_text),
    ]
    application.add_handlers(handlers)
    application.add_handler(TypeHandler(Update, guard.settle), group=1)
    application.add_error_handler(guard.on_error)
    return application


async def _post_init(application: MnemoApplication) -> None:
    """Register the commands, then replay updates a crash left unfinished."""
    settings = application.bot_data.settings
    if settings.health_port:
        application.bot_data.health_server = start_health_server(
            application, settings.health_listen, settings.health_port
        )
    for language in ("en", "ru"):
        code = None if language == "en" else language
        await application.bot.set_my_commands(commands.bot_commands(language), language_code=code)
    await digests.plan_all(application)
    services = application.bot_data.services
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _forget_old_updates, interval=PRUNE_SECONDS, first=0, name="inbox-prune"
    )
    application.create_task(_warm_up(services), name="warm-up")
    repaired = await asyncio.to_thread(services.doctor.examine)
    if repaired:
        log.warning("the doctor found %d problems left by a crash; see above", len(repaired))
    pending = services.inbox.pending()
    await replay(application, pending)
    if pending:
        log.info("replaying %d unfinished updates", len(pending))


async def _warm_up(services: Services) -> None:
    """Load the chat model and its prompt preamble (kept on disk) before the first question,
    and dateparser's language data, in the background; say when the model cannot answer
    (its file missing, its server down)."""
    try:
        await asyncio.to_thread(warm_up_timeframes)
        await services.answerer.prime()
    except MnemoError as exc:
        log.warning("the chat model is not ready: %s", exc)
        return
    problem = await services.worker.problem()
    if problem:
        log.warning("the chat model cannot answer yet: %s", problem)


async def _forget_old_updates(context: MnemoContext) -> None:
    await asyncio.to_thread(context.bot_data.services.inbox.prune)


async def _post_shutdown(application: MnemoApplication) -> None:
    server = application.bot_data.health_server
    if server is not None:
        server.stop()
    application.bot_data.services.close()


def run_bot(settings: BotSettings) -> None:
    """Run until SIGINT/SIGTERM: long polling, or a webhook when MNEMO_WEBHOOK_URL is set."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its log lines carry the token
    redact_token(settings.telegram_bot_token or "")  # and so may any error's text
    services = bootstrap(settings)
    application = build_application(settings, services)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.strip("/"),  # a proxy keeps the path
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret or secrets.token_urlsafe(32),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=settings.poll_timeout)
