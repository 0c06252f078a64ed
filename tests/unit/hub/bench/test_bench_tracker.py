"""Completion tracking: a message is complete once every planned recipient's delivered event was seen."""

from __future__ import annotations

import pytest

from hub.bench.tracker import Delivered, Tracker, parse_delivered
from topics.envelope import Status, StatusEvent


def _event(status: Status, message_id: str | None = "m1", recipient: str | None = "ihk:06411000") -> bytes:
    return StatusEvent(case_id="c1", status=status, message_id=message_id, recipient=recipient,
                       standard="XGewerbeanzeige").model_dump_json().encode()


def test_only_delivered_events_with_message_and_recipient_are_read() -> None:
    assert parse_delivered(_event(Status.DELIVERED)) == Delivered("m1", "ihk:06411000")
    assert parse_delivered(_event(Status.ROUTED)) is None
    assert parse_delivered(_event(Status.ACCEPTED)) is None
    assert parse_delivered(_event(Status.DELIVERED, recipient=None)) is None
    assert parse_delivered(_event(Status.DELIVERED, message_id=None)) is None
    assert parse_delivered(b'{"status": "delivered", broken') is None
    assert parse_delivered(b'["delivered"]') is None


def test_a_message_completes_with_its_last_planned_recipient() -> None:
    tracker = Tracker()
    tracker.expect("m1", ["a:1", "b:2"])
    assert not tracker.observe(Delivered("m1", "a:1"), at=1.0)
    assert tracker.completed_at("m1") is None
    assert tracker.missing(["m1"]) == ["m1"]
    assert tracker.observe(Delivered("m1", "b:2"), at=2.5)
    assert tracker.completed_at("m1") == 2.5
    assert tracker.missing(["m1"]) == []


def test_repeats_and_unplanned_recipients_are_counted_not_completing() -> None:
    tracker = Tracker()
    tracker.expect("m1", ["a:1", "b:2"])
    tracker.observe(Delivered("m1", "a:1"), at=1.0)
    assert not tracker.observe(Delivered("m1", "a:1"), at=1.5)
    assert not tracker.observe(Delivered("m1", "x:9"), at=1.6)
    assert (tracker.repeated, tracker.unplanned) == (1, 1)
    assert tracker.completed_at("m1") is None
    tracker.observe(Delivered("m1", "b:2"), at=3.0)
    assert not tracker.observe(Delivered("m1", "b:2"), at=4.0)  # a late repeat keeps the first completion
    assert tracker.completed_at("m1") == 3.0


def test_events_of_messages_not_sent_by_the_bench_are_ignored() -> None:
    tracker = Tracker()
    assert not tracker.observe(Delivered("other", "a:1"), at=1.0)
    assert (tracker.repeated, tracker.unplanned) == (0, 0)
    assert tracker.completed_at("other") is None


def test_a_message_without_planned_recipients_is_refused() -> None:
    with pytest.raises(ValueError, match="no planned recipient"):
        Tracker().expect("m1", [])
