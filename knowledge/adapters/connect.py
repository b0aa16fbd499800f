"""Reaching the servers of the scale-out deployment (PostgreSQL, Qdrant).

A server may still be starting when mnemo does (`docker compose up`), so a refused
connection is tried again for a while; then, or at once for an error that waiting cannot
fix (Qdrant refusing the API key), the caller gets one clear `ServiceUnavailable` naming
the server, never a traceback. PostgreSQL reports a refused password with the same error
class as a refused connection, so that is waited out too. Passwords are not part of the
message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential,
)

from knowledge.domain.errors import ServiceUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


def reach(
    what: str,
    attempt: Callable[[], T],
    *,
    transient: tuple[type[Exception], ...],
    fatal: tuple[type[Exception], ...] = (),
    wait_seconds: float,
) -> T:
    """`attempt()`, tried again on a `transient` error for up to `wait_seconds`; a
    `transient` error left at the end, or any `fatal` one, becomes ServiceUnavailable."""

    def waiting(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning("waiting for %s: %s", what, _reason(error))

    retrying = Retrying(
        retry=retry_if_exception_type(transient),
        stop=stop_after_delay(wait_seconds),
        wait=wait_exponential(multiplier=0.5, max=5),
        before_sleep=waiting,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except (*transient, *fatal) as exc:  # each entry point prints (and so logs) it once
        raise ServiceUnavailable(f"cannot reach {what}: {_reason(exc)}") from exc


def _reason(error: BaseException | None) -> str:
    """The first line of the innermost cause: "Connection refused", not a driver's essay."""
    while error is not None and error.__cause__ is not None:
        error = error.__cause__
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0] if text else type(error).__name__
