"""The inbox: each update handled once, handled ones forgotten after the retention window,
and update ids that start again (a new Bot API server, a week without updates) handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from knowledge.bootstrap import Services

STORAGE_TESTS = True
LATER = timedelta(hours=73)  # past the default window of 72 h


def message(update_id: int, text: str, date: int = 1_790_000_000) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": date, "text": text, "chat": {"id": 7}},
    }


def test_a_redelivery_within_the_window_is_handled_once(services: Services) -> None:
    inbox = services.inbox
    first = message(5, "buy milk")
    assert inbox.accept(5, 7, first)
    assert not inbox.accept(5, 7, first), "delivered again before it was handled"
    inbox.done(5)
    assert not inbox.accept(5, 7, first), "delivered again after it was handled"
    assert inbox.prune(datetime.now(UTC) + timedelta(hours=1)) == 0, "inside the window"
    assert not inbox.accept(5, 7, first)


def test_ids_starting_again_after_the_window_are_all_handled(services: Services) -> None:
    inbox = services.inbox
    for update_id in range(1, 21):
        assert inbox.accept(update_id, 7, message(update_id, f"note {update_id}"))
        inbox.done(update_id)
    assert inbox.accept(21, 7, message(21, "still being answered"))  # pending
    assert inbox.prune(datetime.now(UTC) + LATER) == 20
    assert [p["update_id"] for p in inbox.pending()] == [21], "pending ones are kept"
    # A new Bot API server numbers updates from 1 again, with new messages.
    for update_id in range(1, 21):
        assert inbox.accept(update_id, 7, message(update_id, f"new {update_id}", 1_800_000_000))


def test_a_reused_id_with_new_content_inside_the_window_is_a_new_update(
    services: Services,
) -> None:
    inbox = services.inbox
    assert inbox.accept(3, 7, message(3, "first life"))
    inbox.done(3)
    again = message(3, "second life", 1_800_000_000)
    assert inbox.accept(3, 7, again), "same id, other content: not a redelivery"
    assert inbox.pending() == [again]
    assert not inbox.accept(3, 7, again), "and that one is then handled once"


def test_an_update_that_keeps_stopping_the_bot_is_set_aside(services: Services) -> None:
    """Each start counts one more attempt for what it replays; past MNEMO_UPDATE_RETRIES
    (2) retries the update is set aside, once, and its sender returned to be told."""
    inbox = services.inbox
    poison = message(40, "a file that kills the reader")
    assert inbox.accept(40, 7, poison)  # handled once: the bot dies
    for restart in (1, 2):
        resumed = inbox.resume(max_retries=2)
        assert resumed.replay == [poison] and resumed.set_aside == [], restart
    resumed = inbox.resume(max_retries=2)  # it stopped the bot a third time
    assert resumed.replay == []
    assert [(u.update_id, u.user_id, u.attempts) for u in resumed.set_aside] == [(40, 7, 3)]
    assert inbox.pending() == [] and inbox.resume(max_retries=2).set_aside == []
    assert not inbox.accept(40, 7, poison), "a redelivery of it is not handled either"
    assert inbox.prune(datetime.now(UTC) + LATER) == 1, "forgotten like a handled one"


def test_a_question_kept_for_the_model_server_is_not_counted(services: Services) -> None:
    inbox = services.inbox
    kept = message(41, "what is the wifi password?")
    inbox.accept(41, 7, kept)
    for _ in range(5):  # the server is down for five restarts; the question waits
        inbox.keep(41)
        assert inbox.resume(max_retries=1).replay == [kept]
    resumed = inbox.resume(max_retries=1)  # replayed, not kept again: now it counts
    assert resumed.replay == [kept]
    assert [u.update_id for u in inbox.resume(max_retries=1).set_aside] == [41]


def test_a_new_update_starts_with_one_attempt_after_its_id_is_reused(
    services: Services,
) -> None:
    inbox = services.inbox
    inbox.accept(42, 7, message(42, "old"))
    inbox.resume(max_retries=5)  # attempt 2
    inbox.done(42)
    fresh = message(42, "new", 1_800_000_000)
    assert inbox.accept(42, 7, fresh)
    assert inbox.resume(max_retries=1).replay == [fresh], "one retry allowed, none used yet"
    assert inbox.resume(max_retries=1).replay == []
