"""Consumer lag from offsets, as plain data: what a group has left to process on each partition it reads.

Pure: the offsets come from Kafka through a reader (hub.kafka.offsets), so lag is right again after any restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TopicPartitionKey = tuple[str, int]


@dataclass(frozen=True)
class PartitionOffsets:
    """A partition's log: `earliest` is its first retained offset, `end` the offset the next record will get."""

    topic: str
    partition: int
    earliest: int
    end: int


@dataclass(frozen=True)
class LagSample:
    group: str
    topic: str
    partition: int
    lag: int


@dataclass(frozen=True)
class TopicLag:
    """A group's lag on one topic: summed over its partitions, and its worst partition."""

    group: str
    topic: str
    total: int
    worst_partition: int
    worst: int


def partition_lag(log: PartitionOffsets, committed: int | None) -> int:
    """Records the group has still to read on this partition.

    A committed offset is the next offset the group will read. Without one (the group never committed here) the
    group starts from the earliest retained record, as the hub's consumers do; a committed offset that retention
    has overtaken likewise resumes at the earliest record. Never negative.
    """
    start = log.earliest if committed is None else max(committed, log.earliest)
    return max(log.end - start, 0)


def lag_samples(group: str, logs: Iterable[PartitionOffsets],
                committed: Mapping[TopicPartitionKey, int]) -> list[LagSample]:
    """One sample per partition in `logs` for `group`, sorted by topic and partition."""
    samples = [LagSample(group, log.topic, log.partition, partition_lag(log, committed.get((log.topic, log.partition))))
               for log in logs]
    return sorted(samples, key=lambda s: (s.topic, s.partition))


def topic_lags(samples: Iterable[LagSample]) -> list[TopicLag]:
    """Per group and topic, in the order first seen: the lag summed over the partitions, and the partition with the
    most (the lowest of equals)."""
    grouped: dict[tuple[str, str], list[LagSample]] = {}
    for sample in samples:
        grouped.setdefault((sample.group, sample.topic), []).append(sample)
    found = []
    for (group, topic), parts in grouped.items():
        worst = max(parts, key=lambda s: (s.lag, -s.partition))
        found.append(TopicLag(group, topic, sum(s.lag for s in parts), worst.partition, worst.lag))
    return found
