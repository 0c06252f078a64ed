"""The operator page's figures from plain inputs: flows from offsets, failing recipients from lanes, dead letters by
reason, lag per topic, and the lanes partitions no worker reported."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.delivery.lanes import Lane
from hub.ops.overview import (
    Flow,
    HeldLanes,
    ParkedReason,
    failing,
    flows,
    lag_by_topic,
    merge_lanes,
    overview,
    parked_by_reason,
)
from hub.pipeline import Routing
from monitoring.kafka_state import KafkaState
from monitoring.lag import LagSample, PartitionOffsets, TopicLag

T1 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
TRADE, BUILDING = "t.trade.ingest", "t.building.ingest"
INGEST = {TRADE: ("XGewerbeanzeige", "XGewerbeordnung"), BUILDING: ("XBau",)}
FAILING = "xga:06431000"


def test_flows_per_standard_count_the_records_from_the_first_offset_within_the_hour_to_the_end() -> None:
    ends = [PartitionOffsets(TRADE, 0, 0, 10), PartitionOffsets(TRADE, 1, 2, 7), PartitionOffsets(TRADE, 2, 0, 5),
            PartitionOffsets(BUILDING, 0, 0, 4), PartitionOffsets("t.hub.status", 0, 0, 99)]
    since = {(TRADE, 0): 6, (TRADE, 1): None, (TRADE, 2): 3, (BUILDING, 0): None, ("t.hub.status", 0): 0}
    # trade: 10 - 6 on p0, nothing that recent on p1, 5 - 3 on p2; building: nothing in the hour
    assert flows(INGEST, ends, since) == (Flow(("XGewerbeanzeige", "XGewerbeordnung"), TRADE, 6),
                                          Flow(("XBau",), BUILDING, 0))


def test_an_ingest_topic_without_partitions_yet_shows_none() -> None:
    assert flows(INGEST, [], {}) == (Flow(INGEST[TRADE], TRADE, 0), Flow(INGEST[BUILDING], BUILDING, 0))


def test_a_failing_recipient_appears_with_its_failures_last_error_code_and_last_success(routing: Routing) -> None:
    lanes = {
        "ihk:06411000": Lane(last_success=T2),  # delivered fine: not shown
        FAILING: Lane(failures=3, last_success=T1, last_failure=T2, last_error="HTTP 503"),
        "bap:06000000": Lane(in_retry=True, enqueued=5, done=2),  # no failure now, but copies wait for a retry
        "nowhere:1": Lane(failures=1, last_error="timeout after 2.0 s"),
    }
    rows = failing(lanes, routing.directory)
    assert [r.recipient for r in rows] == [FAILING, "nowhere:1", "bap:06000000"]
    first = rows[0]
    authority = routing.directory.authority(FAILING)
    assert authority is not None
    assert (first.name, first.channel) == ("Kreis Bergstraße – Gewerbeaufsicht", authority.delivery.channel)
    assert (first.failures, first.last_error, first.last_success, first.last_failure) == (3, "http.503", T1, T2)
    assert (rows[1].name, rows[1].channel, rows[1].last_error) == (None, "unknown", "timeout")
    assert (rows[2].failures, rows[2].retry_waiting, rows[2].last_error) == (0, 3, None)


def test_lanes_of_every_worker_are_merged_and_unreported_partitions_named() -> None:
    first = HeldLanes(partitions=(0, 2), lanes={FAILING: Lane(failures=2)})
    second = HeldLanes(partitions=(1, 5), lanes={"ihk:06411000": Lane(), FAILING: Lane(failures=9)})
    lanes, missing = merge_lanes([first, second], 6)
    assert lanes == {FAILING: Lane(failures=2), "ihk:06411000": Lane()}  # reported twice while moving: the first
    assert missing == (3, 4)
    assert merge_lanes([], 2) == ({}, (0, 1))


def test_dead_letters_are_summed_per_reason_most_first_with_the_authorities_they_concern() -> None:
    counts = {("xml.malformed", "unknown"): 2, ("xml.malformed", "gba:06431002"): 1, ("delivery.failed", FAILING): 4,
              ("routing.kind_mismatch", "gba:06431002"): 0}
    assert parked_by_reason(counts) == (ParkedReason("delivery.failed", 4, 1), ParkedReason("xml.malformed", 3, 2))


def test_lag_is_summed_per_group_and_topic_with_its_worst_partition() -> None:
    samples = [LagSample("g", TRADE, 0, 2), LagSample("g", TRADE, 1, 7), LagSample("g", TRADE, 2, 7),
               LagSample("g", "t.hub.delivery", 0, 0), LagSample("other", TRADE, 0, 1)]
    assert lag_by_topic(samples) == (TopicLag("g", TRADE, 16, 1, 7), TopicLag("other", TRADE, 1, 0, 1),
                                     TopicLag("g", "t.hub.delivery", 0, 0, 0))


def test_the_overview_knows_no_kafka_figure_while_kafka_does_not_answer_but_still_the_lanes(routing: Routing) -> None:
    report = HeldLanes(partitions=(0, 1), lanes={FAILING: Lane(failures=1)})
    counted = (Flow(("XBau",), BUILDING, 3),)
    down = overview(T2, KafkaState(up=False), counted, [report], 2, routing.directory)
    assert (down.kafka_up, down.flows, down.parked, down.lag) == (False, None, None, None)
    assert [r.recipient for r in down.failing] == [FAILING] and down.missing == () and down.workers == 1
    never = overview(T2, None, None, [], 2, routing.directory)
    assert not never.kafka_up and never.missing == (0, 1)

    state = KafkaState(up=True, lag=(LagSample("g", TRADE, 0, 4),), deadletters={("xml.malformed", "unknown"): 1})
    up = overview(T2, state, counted, [report], 2, routing.directory)
    assert up.flows == counted and up.parked == (ParkedReason("xml.malformed", 1, 1),)
    assert up.lag == (TopicLag("g", TRADE, 4, 0, 4),)
    reading = overview(T2, KafkaState(up=True, deadletters=None), counted, [report], 2, routing.directory)
    assert reading.parked is None and reading.lag == ()  # the dead-letter topic is still being read
