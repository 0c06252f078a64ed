"""What `hub kafka status` shows of a deployment, as plain data and text: its topics with partitions and records,
and every consumer group reading them with its lag per topic.

Pure: the offsets and groups come from Kafka through hub.kafka.offsets; lag is computed by monitoring.lag, as for
the metrics, so the command and `/metrics` always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitoring.lag import PartitionOffsets, TopicPartitionKey, lag_samples, topic_lags


@dataclass(frozen=True)
class TopicState:
    """A declared topic: its partitions and records retained now; `partitions` 0 when it does not exist."""

    name: str
    partitions: int
    records: int


@dataclass(frozen=True)
class GroupLag:
    """A consumer group's lag on one topic: the sum over its partitions and the worst partition."""

    group: str
    state: str
    topic: str
    lag: int
    worst_partition: int
    worst_lag: int


def topic_states(declared: Sequence[str], logs: Sequence[PartitionOffsets]) -> list[TopicState]:
    """One entry per declared topic, in the declared order."""
    by_topic: dict[str, list[PartitionOffsets]] = {}
    for log in logs:
        by_topic.setdefault(log.topic, []).append(log)
    return [TopicState(name, len(by_topic.get(name, [])), sum(o.end - o.earliest for o in by_topic.get(name, [])))
            for name in declared]


def group_lags(groups: Mapping[str, str], committed: Mapping[str, Mapping[TopicPartitionKey, int]],
               logs: Sequence[PartitionOffsets], own_group: str, own_topics: Sequence[str]) -> list[GroupLag]:
    """Lag of every group that committed on one of the topics in `logs`, and of `own_group` (the hub's workers) on
    `own_topics`, committed or not; `groups` maps group id to its state. Sorted by group, then topic."""
    found: list[GroupLag] = []
    for group in sorted(set(groups) | {own_group}):
        offsets = committed.get(group, {})
        topics = {t for t, _p in offsets} | (set(own_topics) if group == own_group else set())
        for topic in sorted(topics):
            partitions = [o for o in logs if o.topic == topic]
            if not partitions:
                continue
            (summed,) = topic_lags(lag_samples(group, partitions, offsets))
            found.append(GroupLag(group, groups.get(group, "unknown"), topic, summed.total, summed.worst_partition,
                                  summed.worst))
    return found


def render(topics: Sequence[TopicState], lags: Sequence[GroupLag]) -> list[str]:
    """The lines of the report: topics, then groups with their lag per topic (topics without lag in one line)."""
    width = max((len(t.name) for t in topics), default=10)
    lines = [f"  {t.name:<{width}}  {f'{t.partitions} partitions, {t.records} records' if t.partitions else 'missing'}"
             for t in topics]
    lines.append("Consumer groups:" if lags else "Consumer groups: none reads the deployment's topics")
    for group in dict.fromkeys(g.group for g in lags):
        mine = [g for g in lags if g.group == group]
        behind = [g for g in mine if g.lag]
        total = sum(g.lag for g in mine)
        lines.append(f"  {group} ({mine[0].state}): {'up to date' if not total else f'lag {total}'} "
                     f"on {len(mine)} topics")
        lines += [f"    {g.topic:<{width}}  lag {g.lag} (worst partition {g.worst_partition}: {g.worst_lag})"
                  for g in behind]
    return lines
