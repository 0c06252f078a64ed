"""Case timelines: each step once per message, numbered for the portal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.cases.timeline import apply
from topics.envelope import Status, StatusEvent

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _event(status: Status, message_id: str = "m-1", recipient: str | None = None, minutes: int = 0) -> StatusEvent:
    return StatusEvent(case_id="c-1", status=status, message_id=message_id, recipient=recipient,
                       at=T0 + timedelta(minutes=minutes))


def test_a_step_that_arrives_again_is_filed_once() -> None:
    events = [_event(Status.RECEIVED), _event(Status.VALIDATED), _event(Status.DELIVERED, recipient="ihk:1")]
    timeline, new = apply([], events)
    again, none = apply(timeline, [_event(Status.RECEIVED, minutes=5), _event(Status.DELIVERED, recipient="ihk:1",
                                                                              minutes=5)])
    assert again == timeline and none == []
    assert [seq for seq, _entry, _event in new] == [1, 2, 3]


def test_steps_of_other_recipients_and_messages_are_new_and_numbered_on() -> None:
    timeline, _ = apply([], [_event(Status.RECEIVED), _event(Status.DELIVERED, recipient="ihk:1")])
    timeline, new = apply(timeline, [_event(Status.DELIVERED, recipient="fin:2"), _event(Status.RECEIVED, "m-2")])
    assert [(seq, entry["status"], entry.get("recipient"), entry["message_id"]) for seq, entry, _e in new] == \
        [(3, "delivered", "fin:2", "m-1"), (4, "received", None, "m-2")]
    assert len(timeline) == 4
