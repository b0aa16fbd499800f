"""The callback context of mnemo's handlers: the shared, typed bot state at hand."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.settings import BotSettings
from bot.state import BotState
from knowledge.bootstrap import Services


class MnemoContext(
    CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotState]
):
    """`context.services` is the knowledge core; `context.settings` the bot's settings."""

    @property
    def state(self) -> BotState:
        return self.bot_data

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def settings(self) -> BotSettings:
        return self.bot_data.settings


# The application as the handlers see it: its bot_data is the typed BotState.
MnemoApplication = Application[Any, Any, Any, Any, BotState, Any]
