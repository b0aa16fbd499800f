"""Builds the Telegram Application over the knowledge core and runs it."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import (
    access,
    backups,
    commands,
    digests,
    errors,
    messages,
    outbox,
    outdated,
    reminders,
    uploads,
    voice,
)
from bot.admission import AdmittingProcessor
from bot.context import MnemoApplication, MnemoContext
from bot.delivery import Delivery
from bot.health import start_health_server
from bot.logs import redact_token
from bot.metrics import Metrics
from bot.prompts import LabelPrompts
from bot.ratelimit import RateLimiter
from bot.settings import BotSettings
from bot.state import BotParts, BotState
from knowledge.adapters.permissions import private_umask
from knowledge.bootstrap import Services, bootstrap
from knowledge.domain.deliveries import PendingUpdate
from knowledge.domain.errors import MnemoError, ServiceUnavailable
from knowledge.domain.languages import LANGUAGES
from knowledge.services.words.timeframe import warm_up as warm_up_timeframes
from present.texts import t

log = logging.getLogger(__name__)
PRUNE_SECONDS = 3600  # how often handled updates past the retention window are forgotten
HELD_SWEEP_SECONDS = 600  # how often exports held past their day are removed
UPDATE_SLOTS = 512  # updates handled at once; the model and the ingest queue share fairly
NEW = filters.UpdateType.MESSAGE  # an edit is not a new message: never asked or kept again


def build_application(
    settings: BotSettings, services: Services, *, request: BaseRequest | None = None
) -> MnemoApplication:
    """The application over the core; `request`: another way to reach the Bot API than
    HTTP (the fast tests' in-memory one)."""
    api = settings.telegram_api_url.rstrip("/")
    processor = AdmittingProcessor(UPDATE_SLOTS)
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token or "")
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=5))
        .concurrent_updates(processor)
        .context_types(ContextTypes(context=MnemoContext, bot_data=BotState))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.get_updates_read_timeout(settings.poll_timeout + 10)
    application = (
        builder.post_init(_post_init).post_stop(_post_stop).post_shutdown(_post_shutdown).build()
    )
    processor.application = application
    metrics = Metrics(services.queue)
    application.bot_data.attach(
        BotParts(
            services=services,
            settings=settings,
            limiter=RateLimiter(settings.rate_per_minute),
            metrics=metrics,
            delivery=Delivery(inbox=services.inbox, worker=services.worker, metrics=metrics),
            labels=LabelPrompts(settings.data_dir / LabelPrompts.FILE),
        )
    )

    async def hand_back(payload: dict[str, Any]) -> None:
        await application.update_queue.put(Update.de_json(payload, application.bot))

    application.bot_data.delivery.hand_back_with(hand_back)
    handlers: list[BaseHandler[Update, MnemoContext, None]] = [
        CommandHandler(c.name, c.handler, filters=NEW) for c in commands.COMMANDS
    ]
    handlers += [
        CallbackQueryHandler(reminders.on_button, pattern=r"^rem:"),
        CallbackQueryHandler(outdated.on_button, pattern=r"^old:"),
        CallbackQueryHandler(uploads.on_button, pattern=r"^senders:"),
        CallbackQueryHandler(commands.on_button),
        MessageHandler(NEW & filters.Document.ALL, uploads.on_document),
        MessageHandler(NEW & filters.PHOTO, uploads.on_photo),
        MessageHandler(NEW & (filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE), voice.on_voice),
        MessageHandler(NEW & filters.TEXT & ~filters.COMMAND, messages.on_text),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE, messages.on_edit),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(errors.on_error)
    return application


async def _post_init(application: MnemoApplication) -> None:
    """Register the commands, then replay updates a crash left unfinished."""
    settings = application.bot_data.settings
    if settings.health_port:
        application.bot_data.health_server = start_health_server(
            application, settings.health_listen, settings.health_port
        )
    for language in LANGUAGES:
        code = None if language == "en" else language
        await application.bot.set_my_commands(commands.bot_commands(language), language_code=code)
    services = application.bot_data.services
    repaired = await asyncio.to_thread(services.doctor.examine, temp_older_than=timedelta(0))
    if repaired:
        log.warning("the doctor found %d problems left by a crash; see above", len(repaired))
    await digests.plan_all(application)
    backups.plan(application)
    reminders.plan(application)
    await outbox.resume(application)
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _forget_old_updates, interval=PRUNE_SECONDS, first=0, name="inbox-prune"
    )
    application.job_queue.run_repeating(
        _sweep_held, interval=HELD_SWEEP_SECONDS, first=HELD_SWEEP_SECONDS, name="held-sweep"
    )
    application.create_task(_warm_up(services), name="warm-up")
    services.background.spawn(services.catch_up(), name="catch-up")
    await access.announce_claim(application)
    for parked in await application.bot_data.delivery.resume(settings.update_retries):
        await _tell_set_aside(application, parked)


async def _tell_set_aside(application: MnemoApplication, parked: PendingUpdate) -> None:
    """One message to the sender of an update given up on (the log line is the inbox's)."""
    state = application.bot_data
    if parked.user_id is None:
        return
    language = await asyncio.to_thread(state.services.profiles.language_of, parked.user_id)
    try:
        await application.bot.send_message(
            parked.user_id, t("set_aside", language, attempts=parked.attempts)
        )
    except TelegramError as exc:
        log.info("could not tell a user their update was set aside (%s)", type(exc).__name__)


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
    await context.bot_data.delivery.forget_old()


async def _sweep_held(context: MnemoContext) -> None:
    """Exports held for "keep theirs too" removed before their day is out (a press after
    that is refused by the core)."""
    inbound = context.bot_data.services.inbound
    await asyncio.to_thread(inbound.sweep_held, HELD_SWEEP_SECONDS)


async def _post_stop(application: MnemoApplication) -> None:
    """Background work (a book being condensed) stops here; it goes on at the next start."""
    await application.bot_data.services.background.stop()
    await application.bot_data.delivery.stop()


async def _post_shutdown(application: MnemoApplication) -> None:
    server = application.bot_data.health_server
    if server is not None:
        server.stop()
    application.bot_data.services.close()
    application.bot_data.labels.close()


def run_bot(settings: BotSettings) -> None:
    """Run until SIGINT/SIGTERM: long polling, or a webhook when MNEMO_WEBHOOK_URL is set."""
    private_umask()  # every file the bot writes (data dir, exports being sent) owner-only
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its log lines carry the token
    redact_token(settings.telegram_bot_token or "")  # and so may any error's text
    services = bootstrap(settings)
    services.start()
    application = build_application(settings, services)
    try:
        _serve(application, settings)
    except InvalidToken:  # its message holds the whole token: never shown
        raise ServiceUnavailable(
            "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
        ) from None


def _serve(application: MnemoApplication, settings: BotSettings) -> None:
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
