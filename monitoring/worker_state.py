"""Gauges read from the worker's tables at scrape time: pull-inbox backlog and served recipients' health.

The tables (inboxes, delivery lanes) are recovered from their changelogs at start, so these figures survive a
restart, and a worker reports only the partitions it holds, so nothing goes stale after a rebalance. The sources are
called on every scrape: they must be cheap and run where `generate_latest` runs (on the event loop owning the tables).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric

from monitoring.metrics import (
    INBOX_OLDEST_AGE,
    INBOX_WAITING,
    RECIPIENT_FAILURES,
    RECIPIENT_LAST_SUCCESS,
    RETRY_BACKLOG,
    Family,
)

InboxSnapshot = Mapping[str, Sequence[datetime]]  # authority -> offered_at of each waiting message


@dataclass(frozen=True)
class RecipientState:
    """A served recipient's delivery lane as the metrics show it; `retry_waiting` None when not known."""

    channel: str
    consecutive_failures: int
    last_success: datetime | None
    retry_waiting: int | None = None


RecipientSnapshot = Mapping[str, RecipientState]  # authority -> its lane


def _now() -> datetime:
    return datetime.now(UTC)


def _gauge(family: Family) -> GaugeMetricFamily:
    return GaugeMetricFamily(family.name, family.help, labels=list(family.labels))


def inbox_families(snapshot: InboxSnapshot, now: datetime) -> list[Metric]:
    """Waiting count for every authority in `snapshot` (0 included), oldest age only where a message waits."""
    waiting, oldest = _gauge(INBOX_WAITING), _gauge(INBOX_OLDEST_AGE)
    for authority, offered in sorted(snapshot.items()):
        waiting.add_metric([authority], len(offered))
        if offered:
            oldest.add_metric([authority], max((now - min(offered)).total_seconds(), 0.0))
    return [waiting, oldest]


def recipient_families(snapshot: RecipientSnapshot) -> list[Metric]:
    """Failures in a row and last success per recipient and channel; retry backlog where it is known."""
    failures, success, retry = _gauge(RECIPIENT_FAILURES), _gauge(RECIPIENT_LAST_SUCCESS), _gauge(RETRY_BACKLOG)
    for recipient, state in sorted(snapshot.items()):
        failures.add_metric([recipient, state.channel], state.consecutive_failures)
        if state.last_success is not None:
            success.add_metric([recipient, state.channel], state.last_success.timestamp())
        if state.retry_waiting is not None:
            retry.add_metric([recipient], state.retry_waiting)
    return [failures, success, retry]


class WorkerStateCollector:
    def __init__(self, inboxes: Callable[[], InboxSnapshot] = dict,
                 recipients: Callable[[], RecipientSnapshot] = dict,
                 clock: Callable[[], datetime] = _now) -> None:
        self.inboxes = inboxes
        self.recipients = recipients
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        yield from inbox_families(self.inboxes(), self.clock())
        yield from recipient_families(self.recipients())

    def describe(self) -> Iterator[Metric]:
        yield from inbox_families({}, self.clock())
        yield from recipient_families({})
