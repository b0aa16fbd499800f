"""Backups while the bot runs: daily at MNEMO_BACKUP_TIME (UTC) into MNEMO_BACKUP_DIR,
keeping MNEMO_BACKUP_KEEP of them, and /backup for an admin. The bot holds the vector
store, so it is the one that can copy it consistently (the CLI's `mnemo backup` is for
when the bot is stopped)."""

from __future__ import annotations

import asyncio
import logging
from datetime import time
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from bot.access import is_admin
from bot.common import profile_of, reply, user_id_of
from bot.context import MnemoApplication, MnemoContext
from bot.settings import BotSettings
from knowledge.domain.errors import MnemoError
from knowledge.domain.model import BackupWritten
from knowledge.services.keeping.memory import human_size
from present.texts import error_text, t

log = logging.getLogger(__name__)


def plan(application: MnemoApplication) -> None:
    settings = application.bot_data.settings
    if settings.backup_dir is None or application.job_queue is None:
        return
    hour, minute = (int(part) for part in settings.backup_time.split(":"))
    application.job_queue.run_daily(_scheduled, time(hour, minute), name="backup")
    log.info("backups daily at %s UTC into %s", settings.backup_time, settings.backup_dir)


async def _scheduled(context: ContextTypes.DEFAULT_TYPE) -> None:
    application: MnemoApplication = context.application  # type: ignore[assignment]
    try:
        await _take(application)
    except MnemoError as exc:
        log.error("the scheduled backup failed: %s", exc)


async def _take(application: MnemoApplication) -> BackupWritten:
    state = application.bot_data
    settings = state.settings
    return await asyncio.to_thread(
        state.services.backups.create, destination(settings), keep=settings.backup_keep
    )


def destination(settings: BotSettings) -> Path:
    return settings.backup_dir or settings.data_dir / "backups"


async def backup_command(update: Update, context: MnemoContext) -> None:
    """/backup (admins and the owner): a backup now, where the scheduled ones go."""
    language = (await profile_of(update, context)).language
    if not await is_admin(context.settings, context.services.access, user_id_of(update)):
        await reply(update, t("admins_only", language))
        return
    try:
        written = await _take(context.application)
    except MnemoError as exc:
        await reply(update, t("backup_failed", language, reason=error_text(exc, language)))
        return
    except OSError as exc:
        log.exception("the backup failed")
        await reply(update, t("backup_failed", language, reason=exc.strerror or str(exc)))
        return
    size = human_size(written.size_bytes)
    await reply(update, t("backup_done", language, path=str(written.path), size=size))
