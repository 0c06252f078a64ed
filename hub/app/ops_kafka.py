"""The operator page's Kafka figures: messages of the last hour per ingest topic (each partition's offset at now − 1 h
against its end offset) beside the Kafka state the metrics serve (lag, dead letters, reachability). Cluster-wide,
so every worker shows the same.

Kafka reads block, so they run in a thread, bounded by `timeout_s`; one reading serves every open page for
`max_age_s`, and while one is under way further pages wait for it instead of starting another.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from hub.ops.overview import WINDOW_S, Flow, flows
from monitoring.kafka_state import KafkaState
from monitoring.lag import PartitionOffsets, TopicPartitionKey
from topics.catalogue import INGEST_BY_STANDARD, Catalogue

log = logging.getLogger(__name__)


class FlowReader(Protocol):
    """hub.kafka.offsets.KafkaOffsetReader as far as the flows need it; blocking, raises when Kafka fails."""

    def log_offsets(self, topics: Sequence[str]) -> list[PartitionOffsets]: ...

    def offsets_since(self, topics: Sequence[str], timestamp_ms: int) -> dict[TopicPartitionKey, int | None]: ...


@dataclass(frozen=True)
class KafkaReading:
    """One reading: the Kafka state (None: not read yet, or not in time) and the flows (None: not readable)."""

    state: KafkaState | None
    flows: tuple[Flow, ...] | None


def ingest_topics(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Every ingest topic of the deployment with the standards it carries, in the catalogue's order."""
    found: dict[str, tuple[str, ...]] = {}
    for standard in INGEST_BY_STANDARD:
        topic = catalogue.ingest(standard)
        found[topic] = (*found.get(topic, ()), standard)
    return found


class KafkaFigures:
    """The Kafka reading of the operator page, taken in a thread and shared by every open page for a few seconds."""

    def __init__(self, reader: FlowReader, state: Callable[[], KafkaState | None],
                 ingest: Mapping[str, Sequence[str]], *, max_age_s: float = 5.0, timeout_s: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        """`state`: the metrics' Kafka reading (monitoring.kafka_state.KafkaStateCollector.refresh, which keeps its
        own cache); `ingest`: ingest topic → standards; `clock`: Unix seconds, for the window's start."""
        self.reader, self.state, self.ingest = reader, state, {t: tuple(s) for t, s in ingest.items()}
        self.max_age_s, self.timeout_s, self.clock = max_age_s, timeout_s, clock
        self._last: KafkaReading | None = None
        self._read_at = 0.0
        self._pending: asyncio.Future[KafkaReading] | None = None

    def read(self) -> KafkaReading:
        """A new reading; blocking. The flows are left out when Kafka does not answer."""
        state = self.state()
        if state is None or not state.up:
            return KafkaReading(state, None)
        topics = list(self.ingest)
        try:
            since = self.reader.offsets_since(topics, int((self.clock() - WINDOW_S) * 1000))
            ends = self.reader.log_offsets(topics)
        except Exception as exc:  # any failure of the cluster or the client: the page says the flows are not known
            log.warning("flows of the last hour cannot be read: %s", type(exc).__name__)
            return KafkaReading(state, None)
        return KafkaReading(state, flows(self.ingest, ends, since))

    async def reading(self) -> KafkaReading:
        """The last reading while it is younger than `max_age_s`, else a new one; without one in time, a reading
        that knows nothing."""
        if self._last is not None and time.monotonic() - self._read_at < self.max_age_s:
            return self._last
        if self._pending is None:
            self._pending = asyncio.ensure_future(asyncio.to_thread(self.read))
            self._pending.add_done_callback(self._keep)
        try:
            return await asyncio.wait_for(asyncio.shield(self._pending), self.timeout_s)
        except TimeoutError:
            return KafkaReading(None, None)

    def _keep(self, done: asyncio.Future[KafkaReading]) -> None:
        self._pending = None
        if not done.cancelled() and done.exception() is None:
            self._last, self._read_at = done.result(), time.monotonic()
