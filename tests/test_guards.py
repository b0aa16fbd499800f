"""The bot's rate limit and log redaction, on their own."""

from __future__ import annotations

import logging

import pytest

from bot.logs import MASK, RedactSecrets
from bot.ratelimit import WINDOW_SECONDS, RateLimiter, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_refuses_once_then_drops_until_the_window_frees() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock)
    assert [limiter.check(1) for _ in range(3)] == [Verdict.ALLOW] * 3
    assert limiter.check(2) is Verdict.ALLOW  # other users are not affected
    assert limiter.check(1) is Verdict.REFUSE
    assert limiter.check(1) is Verdict.DROP
    assert limiter.wait_seconds(1) == WINDOW_SECONDS
    clock.now += WINDOW_SECONDS - 1
    assert limiter.check(1) is Verdict.DROP
    assert limiter.wait_seconds(1) == 1
    clock.now += 1
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.REFUSE  # told again after a fresh start


def test_token_is_masked_in_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "123456:AAE-secret_part-xyz"
    logger = logging.getLogger("test.redaction")
    caplog.handler.addFilter(RedactSecrets([token.split(":", 1)[-1]]))
    with caplog.at_level(logging.INFO, logger="test.redaction"):
        logger.info("POST https://api.telegram.org/bot%s/getUpdates", token)
        try:
            raise RuntimeError(f"bad url https://api.telegram.org/bot{token}/getMe")
        except RuntimeError:
            logger.exception("request failed")
    text = caplog.text
    assert "secret_part" not in text
    assert text.count(MASK) >= 2 and "RuntimeError" in text
