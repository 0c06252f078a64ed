"""Where a replayed item goes, with which key and headers, and that it is removed only once acknowledged."""

from __future__ import annotations

import pytest

from hub import pipeline
from hub.deadletter.replay import (
    Outcome,
    ReplayResult,
    Skip,
    Target,
    plan,
    replay,
    replay_all,
    summary,
)
from hub.deadletter.store import ParkedItem
from tests.unit.hub.deadletter.fakes import FakeProducer, dead_letter, item
from topics.catalogue import Catalogue
from topics.envelope import ENVELOPE_HEADER, REPLAY_HEADER, Envelope, from_headers

LIMIT = 1_000_000
CATALOGUE = Catalogue(prefix="t.")


@pytest.fixture
def unroutable(anmeldung_bensheim: bytes) -> ParkedItem:
    munich = anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>")
    record = dead_letter("u-1", reason_code="routing.unknown_municipality", topic="t.trade.ingest", partition=2,
                         offset=41, case_id="stale-case", attempts=2)
    return item(record, munich, partition=1, offset=5)


def test_an_unroutable_message_goes_to_its_standards_ingest_topic_keyed_by_case(unroutable: ParkedItem) -> None:
    target = plan(unroutable, CATALOGUE, max_bytes=LIMIT)
    envelope = pipeline.read(unroutable.payload, max_bytes=LIMIT).envelope
    assert target == Target("t.trade.ingest", envelope.case_id.encode(), [(REPLAY_HEADER, b"2")])


def test_replay_tombstones_the_item_after_the_acknowledged_send(unroutable: ParkedItem) -> None:
    producer = FakeProducer()
    result = replay(unroutable, producer, CATALOGUE, max_bytes=LIMIT)
    assert result == ReplayResult("u-1", Outcome.REPLAYED, "t.trade.ingest")
    sent, removed = producer.sent
    assert (sent.topic, sent.value) == ("t.trade.ingest", unroutable.payload)
    assert (removed.topic, removed.key, removed.value, removed.partition) == ("t.hub.deadletter", b"u-1", None, 1)


def test_a_payload_of_unknown_standard_is_skipped_and_stays_parked() -> None:
    malformed = item(dead_letter("m-1", reason_code="xml.malformed", case_id="c"), b"<xga:kaputt")
    producer = FakeProducer()
    result = replay(malformed, producer, CATALOGUE, max_bytes=LIMIT)
    assert result.outcome is Outcome.SKIPPED and result.reason is not None
    assert "standard cannot be determined" in result.reason and "xml.malformed" in result.reason
    assert producer.sent == []


def test_the_records_standard_is_used_when_the_payload_does_not_read() -> None:
    parked = item(dead_letter("m-2", case_id="c-7", standard="XBau", attempts=1), b"<broken")
    assert plan(parked, CATALOGUE, max_bytes=LIMIT) == Target("t.building.ingest", b"c-7", [(REPLAY_HEADER, b"1")])
    unknown = item(dead_letter("m-3", standard="XFoo"), b"<broken")
    assert plan(unknown, CATALOGUE, max_bytes=LIMIT) == Skip("standard 'XFoo' has no ingest topic")


def test_a_failed_delivery_goes_back_to_the_delivery_stream_keyed_by_recipient(anmeldung_bensheim: bytes) -> None:
    record = dead_letter("d-1", reason_code="delivery.failed", recipient="fin:2605", case_id="c-9",
                         topic="t.hub.delivery")
    target = plan(item(record, anmeldung_bensheim), CATALOGUE, max_bytes=LIMIT)
    assert isinstance(target, Target) and target.delivery
    # keyed by recipient: the copy lands in the partition, and so in the order, of the recipient's other copies
    assert (target.topic, target.key) == ("t.hub.delivery", b"fin:2605")
    envelope = from_headers(target.headers, ENVELOPE_HEADER, Envelope)
    assert envelope is not None and envelope.recipient == "fin:2605" and envelope.standard == "XGewerbeanzeige"
    derived = plan(item(record, b"<not-xoev/>"), CATALOGUE, max_bytes=LIMIT)
    assert derived == Target("t.hub.delivery", b"fin:2605", [], delivery=True)  # no envelope to rebuild


def test_a_recipient_without_topic_is_replayed_through_ingest(anmeldung_bensheim: bytes) -> None:
    record = dead_letter("d-2", recipient="fin:2605")
    target = plan(item(record, anmeldung_bensheim), CATALOGUE, max_bytes=LIMIT)
    assert isinstance(target, Target) and target.topic == "t.trade.ingest" and not target.delivery


def test_an_unacknowledged_send_leaves_the_item_parked(unroutable: ParkedItem) -> None:
    producer = FakeProducer(failing=("t.trade.ingest",))
    result = replay(unroutable, producer, CATALOGUE, max_bytes=LIMIT)
    assert result.outcome is Outcome.FAILED and result.reason is not None and "not replayed" in result.reason
    assert producer.on("t.hub.deadletter") == []


def test_a_failed_tombstone_is_reported(unroutable: ParkedItem) -> None:
    result = replay(unroutable, FakeProducer(failing=("t.hub.deadletter",)), CATALOGUE, max_bytes=LIMIT)
    assert result.outcome is Outcome.FAILED and result.reason is not None
    assert result.reason.startswith("replayed, but the item could not be removed")


def test_replay_all_carries_on_after_a_skip_and_sums_up(unroutable: ParkedItem) -> None:
    malformed = item(dead_letter("m-1"), b"<xga:kaputt")
    seen: list[ReplayResult] = []
    results = replay_all([malformed, unroutable], FakeProducer(), CATALOGUE, max_bytes=LIMIT, on_result=seen.append)
    assert [r.outcome for r in results] == [Outcome.SKIPPED, Outcome.REPLAYED] and seen == results
    assert summary(results) == "1 replayed, 1 skipped"
    assert summary([*results, ReplayResult("x", Outcome.FAILED)]) == "1 replayed, 1 skipped, 1 failed"
