"""What the handlers share, typed: PTB builds one `BotState` as the application's bot_data
(ContextTypes(bot_data=BotState)), and `build_application` attaches the core to it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from tornado.httpserver import HTTPServer

from bot.delivery import Delivery
from bot.metrics import Metrics
from bot.pages import Pages
from bot.prompts import LabelPrompts
from bot.ratelimit import OncePer, RateLimiter
from bot.settings import BotSettings
from knowledge.bootstrap import Services

REFUSE_AGAIN_SECONDS = 600.0  # a refusal (not allowed, anonymous sender) said once per this


class BotState:
    def __init__(self) -> None:
        self._services: Services | None = None
        self._settings: BotSettings | None = None
        self.limiter: RateLimiter | None = None
        self.refusals = OncePer(REFUSE_AGAIN_SECONDS)
        self.pages = Pages()  # later pages of long replies, behind their "more" buttons
        # Long background work (a book's sections condensed): not awaited at stop, as PTB
        # awaits its own tasks, but cancelled then; it resumes at the next start.
        self._background: set[asyncio.Task[None]] = set()
        self._metrics: Metrics | None = None
        self._delivery: Delivery | None = None
        self._labels: LabelPrompts | None = None
        self.health_server: HTTPServer | None = None

    def in_background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def stop_background(self) -> None:
        """Cancel background work and wait until it has stopped."""
        tasks = list(self._background)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def attach(self, services: Services, settings: BotSettings) -> None:
        self._services, self._settings = services, settings
        self.limiter = RateLimiter(settings.rate_per_minute)
        self._metrics = Metrics(services.queue)
        self._delivery = Delivery(
            inbox=services.inbox, worker=services.worker, metrics=self._metrics
        )
        self._labels = LabelPrompts(settings.data_dir / LabelPrompts.FILE)

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
