"""What the handlers share, typed: PTB builds one `BotState` as the application's bot_data
(ContextTypes(bot_data=BotState)); `build_application` builds the bot's parts and attaches
them, with the core, to it. BotState only holds them."""

from __future__ import annotations

from dataclasses import dataclass

from tornado.httpserver import HTTPServer

from bot.delivery import Delivery
from bot.metrics import Metrics
from bot.pages import Pages
from bot.prompts import LabelPrompts
from bot.ratelimit import OncePer, RateLimiter
from bot.settings import BotSettings
from knowledge.bootstrap import Services

REFUSE_AGAIN_SECONDS = 600.0  # a refusal (not allowed, anonymous sender) said once per this


@dataclass(frozen=True)
class BotParts:
    """The bot's own parts over the core, built by `build_application`."""

    services: Services
    settings: BotSettings
    limiter: RateLimiter
    metrics: Metrics
    delivery: Delivery
    labels: LabelPrompts


class BotState:
    def __init__(self) -> None:
        self._services: Services | None = None
        self._settings: BotSettings | None = None
        self.limiter: RateLimiter | None = None
        self.refusals = OncePer(REFUSE_AGAIN_SECONDS)
        self.pages = Pages()  # later pages of long replies, behind their "more" buttons
        self._metrics: Metrics | None = None
        self._delivery: Delivery | None = None
        self._labels: LabelPrompts | None = None
        self.health_server: HTTPServer | None = None

    def attach(self, parts: BotParts) -> None:
        self._services, self._settings = parts.services, parts.settings
        self.limiter = parts.limiter
        self._metrics, self._delivery, self._labels = parts.metrics, parts.delivery, parts.labels

    @property
    def metrics(self) -> Metrics:
        assert self._metrics is not None, "attach() the core before handling updates"
        return self._metrics

    @property
    def delivery(self) -> Delivery:
        """Exactly-once handling: record, settle, keep pending, replay (bot/delivery.py)."""
        assert self._delivery is not None, "attach() the core before handling updates"
        return self._delivery

    @property
    def labels(self) -> LabelPrompts:
        """Which bot message asked about which photo (bot/prompts.py)."""
        assert self._labels is not None, "attach() the settings before handling updates"
        return self._labels

    @property
    def services(self) -> Services:
        assert self._services is not None, "attach() the core before handling updates"
        return self._services

    @property
    def settings(self) -> BotSettings:
        assert self._settings is not None, "attach() the settings before handling updates"
        return self._settings
