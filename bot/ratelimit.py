"""Per-user rate limit: at most N updates in any 60 seconds, counted in memory."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

WINDOW_SECONDS = 60.0


class Verdict(Enum):
    ALLOW = "allow"
    REFUSE = "refuse"  # over the limit: tell the user once
    DROP = "drop"  # still over the limit, already told: stay silent


class RateLimiter:
    """A sliding window per user. Not shared between processes: each bot process limits the
    updates it receives, which with one polling bot is all of them."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._told: dict[int, float] = {}

    def check(self, user_id: int) -> Verdict:
        now = self._clock()
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] >= WINDOW_SECONDS:
            seen.popleft()
        if len(seen) < self._limit:
            seen.append(now)
            self._told.pop(user_id, None)
            return Verdict.ALLOW
        if user_id in self._told:
            return Verdict.DROP
        self._told[user_id] = now
        return Verdict.REFUSE

    def wait_seconds(self, user_id: int) -> int:
        """Seconds until this user may send again."""
        seen = self._seen.get(user_id)
        if not seen:
            return 0
        return max(1, int(WINDOW_SECONDS - (self._clock() - seen[0]) + 0.999))


class OncePer:
    """Say something at most once per `seconds` per key (a refusal, a group's intro), so a
    stranger or a busy group cannot make the bot repeat itself."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._said: dict[object, float] = {}

    def first(self, key: object) -> bool:
        now = self._clock()
        if len(self._said) > 10_000:  # forget the old ones
            self._said = {k: at for k, at in self._said.items() if now - at < self._seconds}
        said = self._said.get(key)
        if said is not None and now - said < self._seconds:
            return False
        self._said[key] = now
        return True
