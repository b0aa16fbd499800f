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
