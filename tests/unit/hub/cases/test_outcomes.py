"""Delivery outcomes come from a case's new steps: once per recipient, with the time since the hub's receipt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.cases.outcomes import DeliveryOutcome, delivery_outcomes
from hub.cases.timeline import apply
from topics.envelope import Status, StatusEvent

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _event(status: Status, seconds: float, recipient: str | None = None, channel: str | None = None,
           message_id: str = "m-1") -> StatusEvent:
    return StatusEvent(case_id="c-1", status=status, at=T0 + timedelta(seconds=seconds), message_id=message_id,
                       standard="XMeld", recipient=recipient, channel=channel)


def test_a_delivery_counts_with_the_seconds_since_its_message_was_received() -> None:
    events = [_event(Status.RECEIVED, 0), _event(Status.ROUTED, 0.2),
              _event(Status.DELIVERED, 1.5, "psw:06431002", "inbox"),
              _event(Status.DELIVERED, 4.0, "MELDID:06431011", "webhook"),
              _event(Status.ACCEPTED, 4.0, "MELDID:06431011", "webhook")]
    timeline, new = apply([], events)
    assert delivery_outcomes(timeline, new) == [
        DeliveryOutcome("psw:06431002", "inbox", "delivered", "XMeld", 1.5),
        DeliveryOutcome("MELDID:06431011", "webhook", "delivered", "XMeld", 4.0)]


def test_a_step_filed_again_is_not_counted_again() -> None:
    first = [_event(Status.RECEIVED, 0), _event(Status.DELIVERED, 2, "psw:06431002", "inbox")]
    timeline, new = apply([], first)
    assert len(delivery_outcomes(timeline, new)) == 1
    timeline, new = apply(timeline, first)  # the same events after a crash
    assert delivery_outcomes(timeline, new) == []


def test_latency_uses_the_receipt_of_the_same_message_and_is_unknown_without_one() -> None:
    earlier, _ = apply([], [_event(Status.RECEIVED, 0, message_id="m-0")])
    timeline, new = apply(earlier, [_event(Status.RECEIVED, 10), _event(Status.DELIVERED, 13, "gba:06431002", "kafka"),
                                    _event(Status.DELIVERED, 20, "gba:06431020", "kafka", message_id="m-9")])
    assert [(o.recipient, o.seconds) for o in delivery_outcomes(timeline, new)] == [
        ("gba:06431002", 3.0), ("gba:06431020", None)]


def test_a_copy_given_up_counts_as_parked() -> None:
    timeline, new = apply([], [_event(Status.RECEIVED, 0), _event(Status.FAILED, 60, "ihk:06411000", "webhook")])
    assert delivery_outcomes(timeline, new) == [DeliveryOutcome("ihk:06411000", "webhook", "parked", "XMeld")]
