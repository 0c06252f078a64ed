"""Gauges that describe Kafka, computed from Kafka: consumer lag, dead letters waiting, reachability.

`KafkaStateCollector` is a prometheus_client collector in two halves, so a scrape never blocks an event loop:
`refresh()` reads Kafka (blocking, bounded by the reader's timeout, skipped while the last reading is younger than
`max_age_s`; run it in a thread), and `collect()` only serves the last reading.

    collector = KafkaStateCollector(reader, {"municipal-hub": topics}, deadletters=depth.counts)
    REGISTRY.register(collector)
    await asyncio.to_thread(collector.refresh)      # in the /metrics handler
    body = generate_latest(REGISTRY)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from prometheus_client.core import GaugeMetricFamily, Metric

from monitoring.lag import LagSample, PartitionOffsets, TopicPartitionKey, lag_samples
from monitoring.metrics import CONSUMER_LAG, DEADLETTERS_WAITING, KAFKA_UP, Family

log = logging.getLogger(__name__)

DeadLetterCounts = Mapping[tuple[str, str], int]  # (reason code, authority) -> records waiting


class OffsetReader(Protocol):
    """Reads offsets from the cluster; blocking. Raises any exception when Kafka does not answer."""

    def log_offsets(self, topics: Sequence[str]) -> list[PartitionOffsets]:
        """Earliest and end offsets of every partition of `topics`; topics that do not exist are left out."""
        ...

    def committed(self, groups: Sequence[str]) -> dict[str, dict[TopicPartitionKey, int]]:
        """Per group, its committed offset on every partition it committed on."""
        ...


@dataclass(frozen=True)
class KafkaState:
    """One reading of the cluster; `up` is False when Kafka did not answer, and then nothing else is known."""

    up: bool
    lag: tuple[LagSample, ...] = ()
    deadletters: DeadLetterCounts | None = None  # None: not known (yet)


def read_state(reader: OffsetReader, watches: Mapping[str, Sequence[str]],
               deadletters: Callable[[], DeadLetterCounts | None] | None) -> KafkaState:
    """Read every watched group's lag and the dead letters waiting; raises when Kafka fails."""
    topics = sorted({topic for group_topics in watches.values() for topic in group_topics})
    logs = {(o.topic, o.partition): o for o in reader.log_offsets(topics)}
    committed = reader.committed(sorted(watches))
    lag: list[LagSample] = []
    for group, group_topics in sorted(watches.items()):
        wanted = set(group_topics)
        lag += lag_samples(group, [o for key, o in logs.items() if key[0] in wanted], committed.get(group, {}))
    counts = deadletters() if deadletters else None
    return KafkaState(up=True, lag=tuple(lag), deadletters=dict(counts) if counts is not None else None)


def _gauge(family: Family) -> GaugeMetricFamily:
    return GaugeMetricFamily(family.name, family.help, labels=list(family.labels))


def metric_families(state: KafkaState | None) -> list[Metric]:
    """The families for one reading (or none yet); only reachability when Kafka did not answer."""
    lag, dead, up = (_gauge(f) for f in (CONSUMER_LAG, DEADLETTERS_WAITING, KAFKA_UP))
    if state is not None:
        up.add_metric([], 1.0 if state.up else 0.0)
        for sample in state.lag:
            lag.add_metric([sample.group, sample.topic, str(sample.partition)], sample.lag)
        for (reason, authority), count in sorted((state.deadletters or {}).items()):
            dead.add_metric([reason, authority], count)
    return [lag, dead, up]


class KafkaStateCollector:
    """Serves the last reading of Kafka to Prometheus; `refresh()` takes a new one when the last is stale."""

    def __init__(self, reader: OffsetReader, watches: Mapping[str, Sequence[str]], *,
                 deadletters: Callable[[], DeadLetterCounts | None] | None = None,
                 max_age_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        """`watches`: consumer group -> topics whose lag to show; `deadletters`: counts of parked records, called on
        every refresh (None while not known yet, as hub.deadletter.depth.DeadLetterDepth.counts answers during its
        first read)."""
        self.reader = reader
        self.watches = {group: tuple(topics) for group, topics in watches.items()}
        self.deadletters = deadletters
        self.max_age_s = max_age_s
        self.clock = clock
        self._state: KafkaState | None = None
        self._read_at: float | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> KafkaState | None:
        return self._state

    def refresh(self) -> KafkaState | None:
        """Read Kafka unless the last reading is younger than `max_age_s`, or another thread is reading right now;
        returns the reading served from now on. Blocking: run it in a thread."""
        if not self._lock.acquire(blocking=False):
            return self._state
        try:
            now = self.clock()
            if self._read_at is not None and now - self._read_at < self.max_age_s:
                return self._state
            try:
                state = read_state(self.reader, self.watches, self.deadletters)
            except Exception as exc:  # any failure of the cluster or the client means "Kafka is not answering"
                if self._state is None or self._state.up:  # once per outage, not once per scrape
                    log.warning("kafka state cannot be read: %s: %s", type(exc).__name__, exc)
                state = KafkaState(up=False)
            else:
                if self._state is not None and not self._state.up:
                    log.info("kafka state readable again")
            self._state, self._read_at = state, self.clock()
            return state
        finally:
            self._lock.release()

    def collect(self) -> Iterator[Metric]:
        yield from metric_families(self._state)

    def describe(self) -> Iterator[Metric]:
        yield from metric_families(None)
