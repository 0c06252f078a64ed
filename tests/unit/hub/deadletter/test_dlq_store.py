"""Folding the dead-letter topic into the current items, and tombstones, without a broker."""

from __future__ import annotations

import crc32c
import pytest
from kafka.record import util

from hub.deadletter import BrokerUnavailable, DeadLetterError
from hub.deadletter.store import UNREADABLE_HEADER, fold, produce, read_parked, tombstone
from tests.unit.hub.deadletter.fakes import FakeProducer, Rec, dead_letter, parked
from topics.envelope import DEADLETTER_HEADER


def test_the_latest_record_per_key_wins() -> None:
    first = dead_letter("a", reason_code="xml.malformed")
    again = dead_letter("a", reason_code="hub.internal_error", attempts=2)
    items = fold([parked(first, b"old", offset=0), parked(again, b"new", offset=1)])
    assert [(i.id, i.record.reason_code, i.payload, i.offset) for i in items] == [
        ("a", "hub.internal_error", b"new", 1)]


def test_a_tombstone_removes_the_key_and_a_later_record_brings_it_back() -> None:
    a, b = dead_letter("a"), dead_letter("b", minutes=1)
    records = [parked(a, offset=0), parked(b, offset=1), Rec(b"a", None, offset=2)]
    assert [i.id for i in fold(records)] == ["b"]
    assert [i.id for i in fold([*records, parked(a, offset=3)])] == ["a", "b"]
    assert fold([Rec(b"never-parked", None)]) == []


def test_an_empty_payload_is_an_item_not_a_tombstone() -> None:
    items = fold([parked(dead_letter("empty", reason_code="xml.empty"), b"")])
    assert [(i.id, i.payload) for i in items] == [("empty", b"")]


def test_items_come_in_parked_at_order_whatever_the_partition() -> None:
    late, early = dead_letter("late", minutes=5), dead_letter("early", minutes=1)
    items = fold([parked(late, partition=0, offset=0), parked(early, partition=2, offset=9)])
    assert [(i.id, i.partition, i.offset) for i in items] == [("early", 2, 9), ("late", 0, 0)]


def test_records_without_key_are_skipped() -> None:
    assert fold([Rec(None, b"<x/>")]) == []


@pytest.mark.parametrize("headers", [[], [(DEADLETTER_HEADER, b"{not json")], [(DEADLETTER_HEADER, b"{}")]])
def test_a_record_with_a_bad_header_stays_visible(headers: list[tuple[str, bytes]]) -> None:
    items = fold([Rec(b"k", b"<x/>", headers, timestamp=1_740_816_000_000)])
    assert len(items) == 1
    record = items[0].record
    assert (items[0].id, record.reason_code, record.origin) == ("k", UNREADABLE_HEADER, "unknown")
    assert record.parked_at.isoformat() == "2025-03-01T08:00:00+00:00"


def test_tombstone_is_a_null_value_under_the_key_on_the_items_partition() -> None:
    producer = FakeProducer()
    tombstone(producer, "hub.deadletter", "abc", partition=2)
    [sent] = producer.sent
    assert (sent.topic, sent.key, sent.value, sent.partition) == ("hub.deadletter", b"abc", None, 2)
    assert producer.flushes == 1
    with pytest.raises(DeadLetterError):
        tombstone(producer, "hub.deadletter", "")


def test_an_unacknowledged_record_raises_a_typed_error() -> None:
    producer = FakeProducer(failing=("hub.deadletter",))
    with pytest.raises(BrokerUnavailable, match="did not acknowledge"):
        produce(producer, "hub.deadletter", key=b"k", value=b"v")


def test_an_unreachable_broker_raises_a_typed_error() -> None:
    with pytest.raises(BrokerUnavailable, match="does not answer"):
        read_parked("127.0.0.1:1", "hub.deadletter", timeout_s=1)


def test_fetched_batches_are_checked_by_the_c_crc32c() -> None:
    """Without the crc32c package kafka-python checks CRCs in pure Python, some 0.5 s of CPU for one `hub dlq list`
    of the hostile corpus; the operator tools rely on it being installed and picked up."""
    assert util.calc_crc32c.__defaults__ == (crc32c.crc32c,)
