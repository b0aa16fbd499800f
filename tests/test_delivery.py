"""The one rule for scheduled messages: claimed, sent part by part, released when a send
fails (tried again a bounded number of times, only the parts not sent), never sent twice,
across restarts and racing processes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from knowledge.bootstrap import Services
from knowledge.services.sending.delivery import Deliveries, Outcome, digest_key
from tests.core import started
from tests.fakes import ScriptedGenerator

STORAGE_TESTS = True
DAY = date(2026, 11, 20)


def test_a_day_is_sent_once_even_after_a_restart(services: Services) -> None:
    key = digest_key(5, DAY)
    claim = services.deliveries.claim(key, 5, ["part one"])
    assert claim.outcome is Outcome.SEND and claim.parts == ("part one",)
    services.deliveries.sent(key, 0)
    services.deliveries.finished(key)
    assert services.deliveries.claim(key, 5, ["part one"]).outcome is Outcome.DONE
    settings, embedder = services.settings, services.embedder
    services.close()
    again = started(settings, embedder=embedder, generator=ScriptedGenerator())
    try:
        assert again.deliveries.claim(key, 5, ["part one"]).outcome is Outcome.DONE
        tomorrow = digest_key(5, DAY + timedelta(days=1))
        assert again.deliveries.claim(tomorrow, 5, ["x"]).outcome is Outcome.SEND
    finally:
        again.close()


def test_a_failed_send_is_tried_again_from_the_part_not_sent(services: Services) -> None:
    deliveries = services.deliveries
    key = digest_key(6, DAY)
    first = deliveries.claim(key, 6, ["morning", "evening"])
    deliveries.sent(key, 0)  # the first part went out, the second failed
    assert deliveries.failed(key) is True
    later = deliveries.claim(key, 6, ["morning", "evening", "and more written since"])
    assert later.outcome is Outcome.SEND
    assert later.parts == first.parts, "what was claimed first is what goes out"
    assert later.next_part == 1 and later.attempts == 1
    deliveries.sent(key, 1)
    deliveries.finished(key)
    assert deliveries.is_done(key)


def test_a_claim_is_held_against_others_until_it_is_stale(services: Services) -> None:
    now = [datetime(2026, 11, 20, 21, 0, tzinfo=UTC)]
    ours = Deliveries(services.engines.storage, clock=lambda: now[0])
    theirs = Deliveries(services.engines.storage, clock=lambda: now[0])  # another process
    key = digest_key(7, DAY)
    assert ours.claim(key, 7, ["a"]).outcome is Outcome.SEND
    assert theirs.claim(key, 7).outcome is Outcome.BUSY
    now[0] += ours.stale_after + timedelta(seconds=1)  # ours was killed mid-send
    taken = theirs.claim(key, 7)
    assert taken.outcome is Outcome.SEND and taken.parts == ("a",)
    assert ours.claim(key, 7).outcome is Outcome.BUSY


def test_sending_is_given_up_after_the_last_attempt(services: Services) -> None:
    deliveries = Deliveries(services.engines.storage, max_attempts=3)
    key = digest_key(8, DAY)
    outcomes = []
    for _ in range(4):
        claim = deliveries.claim(key, 8, ["only part"])
        outcomes.append(claim.outcome)
        if claim.outcome is Outcome.SEND:
            deliveries.failed(key)
    assert outcomes == [Outcome.SEND] * 3 + [Outcome.DONE]
    assert deliveries.is_done(key)
    assert [state.key for state in deliveries.unfinished()] == []


def test_unfinished_deliveries_are_found_at_start(services: Services) -> None:
    deliveries = services.deliveries
    sent, failed, held = (digest_key(user, DAY) for user in (9, 10, 11))
    for user, key in ((9, sent), (10, failed), (11, held)):
        deliveries.claim(key, user, ["x"])
    deliveries.finished(sent)
    deliveries.failed(failed)
    assert {state.key for state in deliveries.unfinished()} == {failed, held}
    assert deliveries.retry_delay(1) < deliveries.retry_delay(2) < deliveries.retry_delay(3)


def test_wipe_forgets_a_users_deliveries(services: Services) -> None:
    key = digest_key(12, DAY)
    services.deliveries.claim(key, 12, ["x"])
    services.memory.wipe(12)
    assert services.deliveries.unfinished() == []
