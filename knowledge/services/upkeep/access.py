"""Who may use the bot when no list says so: its owner and the people the owner invited.

A fresh install has no owner. Each start makes a claim code (`claim_code`), which the
operator reads from the bot's output; whoever sends it first becomes the owner
(`claim`), and every claim code is forgotten. The owner makes invites (`invite`): one-time
codes that expire after a week; whoever sends one becomes a member (`join`). Codes are
random (128 bits) and only their SHA-256 is kept: the database never holds one that could
be used. Claim codes of earlier starts stay valid until the bot is claimed (the newest
few), since a code cannot be shown again once only its hash is kept.

Guesses are limited: a person may try a few codes an hour, right or wrong, whatever the
code (`GUESSES_PER_HOUR`); counted in memory, per process, like the bot's rate limit.
Membership is not part of anyone's memory: wiping it keeps the membership.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from knowledge.domain.members import Member
from knowledge.domain.repositories import Storage

log = logging.getLogger(__name__)

OWNER = "owner"
MEMBER = "member"
CLAIM = "claim"
INVITE = "invite"
CODE_BYTES = 16
INVITE_DAYS = 7
CLAIM_CODES_KEPT = 5  # claim codes of the last starts that stay valid until the claim
GUESSES_PER_HOUR = 5
GUESS_WINDOW = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(UTC)


def digest_of(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


class Access:
    def __init__(
        self,
        storage: Storage,
        *,
        clock: Callable[[], datetime] = _now,
        invite_days: int = INVITE_DAYS,
        guesses_per_hour: int = GUESSES_PER_HOUR,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._invite_for = timedelta(days=invite_days)
        self._guesses_per_hour = guesses_per_hour
        self._guesses: dict[int, deque[datetime]] = {}
        self._lock = threading.Lock()  # one claim or join at a time: one owner, ever

    @property
    def invite_days(self) -> int:
        return self._invite_for.days

    def owner(self) -> int | None:
        with self._storage.read() as uow:
            return uow.members.owner()

    def is_member(self, user_id: int) -> bool:
        """The owner, or someone who joined with an invite."""
        with self._storage.read() as uow:
            return uow.members.get(user_id) is not None

    def members(self) -> list[Member]:
        with self._storage.read() as uow:
            return uow.members.all()

    def claim_code(self) -> str | None:
        """A new code to claim the bot with; None once it has an owner."""
        code = secrets.token_urlsafe(CODE_BYTES)
        with self._lock, self._storage.begin() as uow:
            if uow.members.owner() is not None:
                return None
            uow.members.add_code(digest_of(code), CLAIM, None, None)
            uow.members.drop_codes(CLAIM, keep=CLAIM_CODES_KEPT)
        return code

    def claim(self, user_id: int, code: str) -> bool:
        """Become the owner with a claim code: only the first to do so, ever."""
        if not self._may_guess(user_id):
            return False
        with self._lock, self._storage.begin() as uow:
            members = uow.members
            if members.owner() is not None or members.get(user_id) is not None:
                return False
            if not members.use_code(digest_of(code), CLAIM, user_id, self._utc()):
                return False
            members.add(user_id, OWNER, None)
            members.drop_codes(CLAIM)
        log.info("the bot was claimed: it has an owner")
        return True

    def invite(self, owner_id: int) -> str | None:
        """A one-time code for one more member, valid `invite_days`; None when `owner_id`
        is not the owner."""
        code = secrets.token_urlsafe(CODE_BYTES)
        now = self._utc()
        with self._storage.begin() as uow:
            if uow.members.owner() != owner_id:
                return None
            uow.members.prune_codes(now)
            uow.members.add_code(digest_of(code), INVITE, owner_id, now + self._invite_for)
        log.info("the owner made an invite")
        return code

    def join(self, user_id: int, code: str) -> bool:
        """Become a member with an unused, unexpired invite; True for a member already."""
        if self.is_member(user_id):
            return True
        if not self._may_guess(user_id):
            return False
        with self._lock, self._storage.begin() as uow:
            if uow.members.owner() is None:
                return False
            if not uow.members.use_code(digest_of(code), INVITE, user_id, self._utc()):
                return False
            uow.members.add(user_id, MEMBER, uow.members.owner())
        log.info("someone joined with an invite")
        return True

    def _may_guess(self, user_id: int) -> bool:
        """Counts one try; False past `guesses_per_hour` tries within the hour."""
        now = self._clock()
        with self._lock:
            if len(self._guesses) > 10_000:  # forget those who stopped trying
                self._guesses = {
                    user: tries
                    for user, tries in self._guesses.items()
                    if tries and now - tries[-1] < GUESS_WINDOW
                }
            tries = self._guesses.setdefault(user_id, deque())
            while tries and now - tries[0] >= GUESS_WINDOW:
                tries.popleft()
            if len(tries) >= self._guesses_per_hour:
                log.info("too many codes tried by one person; refused without a look")
                return False
            tries.append(now)
            return True

    def _utc(self) -> datetime:
        return self._clock().astimezone(UTC)
