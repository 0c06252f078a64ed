"""The operator page's figures as plain data, built from plain inputs: messages of the last hour per ingest topic,
recipients whose delivery fails, parked records by reason, consumer lag per topic. Pure: no Kafka, no tables.

Kafka's figures are cluster-wide; lanes live in the `lanes` table, of which each worker holds the partitions it
owns, so the page merges what every worker reports (`HeldLanes`) and names the partitions nobody reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from hub.delivery.lanes import Lane
from hub.delivery.reasons import reason_code
from hub.routing.directory import Directory
from monitoring.kafka_state import DeadLetterCounts, KafkaState
from monitoring.lag import LagSample, PartitionOffsets, TopicLag, TopicPartitionKey, topic_lags

WINDOW_S = 3600  # "the last hour"


@dataclass(frozen=True)
class Flow:
    """Records written to one ingest topic within the window, and the standards that topic carries."""

    standards: tuple[str, ...]
    topic: str
    count: int


@dataclass(frozen=True)
class FailingRecipient:
    """A served recipient whose last attempts failed or whose copies wait for a retry; `last_error` is a code."""

    recipient: str
    name: str | None
    channel: str
    failures: int
    retry_waiting: int
    last_success: datetime | None
    last_failure: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ParkedReason:
    """Parked records waiting on the dead-letter topic for one reason, and how many authorities they concern."""

    reason: str
    count: int
    authorities: int


class HeldLanes(BaseModel):
    """What one worker reports of the `lanes` table: the partitions it owns and the lanes on them."""

    model_config = ConfigDict(frozen=True)

    partitions: tuple[int, ...]
    lanes: dict[str, Lane]


@dataclass(frozen=True)
class Overview:
    """Everything the page shows; a None figure is not known now (Kafka does not answer, or is still being read);
    `missing` are the lanes partitions no worker reported, so failing recipients may be left out."""

    at: datetime
    kafka_up: bool
    flows: tuple[Flow, ...] | None
    failing: tuple[FailingRecipient, ...]
    missing: tuple[int, ...]
    workers: int
    parked: tuple[ParkedReason, ...] | None
    lag: tuple[TopicLag, ...] | None


def flows(ingest: Mapping[str, Sequence[str]], ends: Iterable[PartitionOffsets],
          since: Mapping[TopicPartitionKey, int | None]) -> tuple[Flow, ...]:
    """Per ingest topic (topic → standards, in the order given), the records from each partition's first offset
    within the window to its end; a partition without a record that recent counts none."""
    counts = dict.fromkeys(ingest, 0)
    for log in ends:
        if log.topic not in counts:
            continue
        first = since.get((log.topic, log.partition))
        if first is not None:
            counts[log.topic] += max(log.end - first, 0)
    return tuple(Flow(tuple(ingest[topic]), topic, count) for topic, count in counts.items())


def merge_lanes(reports: Iterable[HeldLanes], partitions: int) -> tuple[dict[str, Lane], tuple[int, ...]]:
    """The lanes every worker reported, and the partitions (of `partitions`) none reported. A recipient reported
    twice (its partition moved between two answers) keeps the first report."""
    lanes: dict[str, Lane] = {}
    covered: set[int] = set()
    for report in reports:
        covered.update(report.partitions)
        for recipient, lane in report.lanes.items():
            lanes.setdefault(recipient, lane)
    return lanes, tuple(p for p in range(partitions) if p not in covered)


def failing(lanes: Mapping[str, Lane], directory: Directory) -> tuple[FailingRecipient, ...]:
    """The recipients with failed attempts in a row or copies waiting for a retry, most failures first."""
    found = []
    for recipient, lane in lanes.items():
        if lane.failures == 0 and lane.retry_waiting == 0:
            continue
        authority = directory.authority(recipient)
        found.append(FailingRecipient(
            recipient=recipient, name=authority.name if authority else None,
            channel=authority.delivery.channel if authority else "unknown", failures=lane.failures,
            retry_waiting=lane.retry_waiting, last_success=lane.last_success, last_failure=lane.last_failure,
            last_error=reason_code(lane.last_error) if lane.last_error else None))
    return tuple(sorted(found, key=lambda r: (-r.failures, -r.retry_waiting, r.recipient)))


def parked_by_reason(counts: DeadLetterCounts) -> tuple[ParkedReason, ...]:
    """Parked records per reason code, most first; an authority is counted once per reason."""
    totals: Counter[str] = Counter()
    authorities: Counter[str] = Counter()
    for (reason, _authority), count in counts.items():
        if count > 0:
            totals[reason] += count
            authorities[reason] += 1
    return tuple(ParkedReason(reason, count, authorities[reason])
                 for reason, count in sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def lag_by_topic(samples: Iterable[LagSample]) -> tuple[TopicLag, ...]:
    """Per group and topic, the lag summed over the partitions and its worst partition; most lag first."""
    return tuple(sorted(topic_lags(samples), key=lambda r: (-r.total, r.group, r.topic)))


def overview(at: datetime, kafka: KafkaState | None, flow_counts: tuple[Flow, ...] | None,
             reports: Sequence[HeldLanes], partitions: int, directory: Directory) -> Overview:
    """The page's figures from one Kafka reading (None: none yet), the flows read with it (None: not read) and the
    lanes reports of the workers that answered."""
    up = kafka is not None and kafka.up
    lanes, missing = merge_lanes(reports, partitions)
    parked = parked_by_reason(kafka.deadletters) if up and kafka and kafka.deadletters is not None else None
    return Overview(at=at, kafka_up=up, flows=flow_counts if up else None, failing=failing(lanes, directory),
                    missing=missing, workers=len(reports), parked=parked,
                    lag=lag_by_topic(kafka.lag) if up and kafka else None)
