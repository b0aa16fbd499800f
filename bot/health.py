"""The optional health and metrics endpoint (MNEMO_HEALTH_PORT), on 127.0.0.1 unless told
otherwise (MNEMO_HEALTH_LISTEN):

- `/livez`: 200 while the bot takes updates (long polling or the webhook is running);
- `/readyz`: 200 when, besides, the database, the vector store and the chat model answer;
  else 503. The body names each part and, for one that fails, what is wrong;
- `/metrics`: Prometheus text (bot/metrics.py): counts and timings, nothing of a user's.

Served by tornado, which the bot's webhook listener runs on already, in the bot's loop.
"""

from __future__ import annotations

import json
import logging

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.context import MnemoApplication

log = logging.getLogger(__name__)


class _Handler(RequestHandler):
    def initialize(self, bot_application: MnemoApplication) -> None:
        self.bot_application = bot_application

    def taking_updates(self) -> str | None:
        updater = self.bot_application.updater
        if self.bot_application.running and updater is not None and updater.running:
            return None
        return "not taking updates (neither polling nor the webhook runs)"

    def answer(self, checks: dict[str, str | None]) -> None:
        ok = all(problem is None for problem in checks.values())
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        parts = {name: problem or "ok" for name, problem in checks.items()}
        self.finish(json.dumps({"status": "ok" if ok else "failing", "checks": parts}))


class Liveness(_Handler):
    def get(self) -> None:
        self.answer({"telegram": self.taking_updates()})


class Readiness(_Handler):
    async def get(self) -> None:
        services = self.bot_application.bot_data.services
        checks = {"telegram": self.taking_updates(), **await services.readiness.problems()}
        self.answer(checks)


class MetricsPage(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(self.bot_application.bot_data.metrics.registry))


def start_health_server(application: MnemoApplication, listen: str, port: int) -> HTTPServer:
    routes = [("/livez", Liveness), ("/readyz", Readiness), ("/metrics", MetricsPage)]
    app = Application(
        [(path, handler, {"bot_application": application}) for path, handler in routes],
        log_function=lambda handler: None,  # no access log: the paths are all there is
    )
    server = HTTPServer(app)
    server.listen(port, address=listen)
    log.info("health and metrics on http://%s:%d (/livez, /readyz, /metrics)", listen, port)
    return server
