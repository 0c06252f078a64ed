"""Pull-inbox backlog at scrape time: messages waiting per authority and the age of the oldest one.

The worker's inbox table is recovered from its changelog at start, so these figures survive a restart. `source`
returns, per authority, when each waiting message was offered; it is called on every scrape, so it must be cheap
and safe where `generate_latest` runs (on the event loop that owns the table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric

from monitoring.metrics import INBOX_OLDEST_AGE, INBOX_WAITING

InboxSnapshot = Mapping[str, Sequence[datetime]]  # authority -> offered_at of each waiting message


def _now() -> datetime:
    return datetime.now(UTC)


def inbox_families(snapshot: InboxSnapshot, now: datetime) -> list[Metric]:
    """Waiting count for every authority in `snapshot` (0 included), oldest age only where a message waits."""
    waiting = GaugeMetricFamily(INBOX_WAITING.name, INBOX_WAITING.help, labels=list(INBOX_WAITING.labels))
    oldest = GaugeMetricFamily(INBOX_OLDEST_AGE.name, INBOX_OLDEST_AGE.help, labels=list(INBOX_OLDEST_AGE.labels))
    for authority, offered in sorted(snapshot.items()):
        waiting.add_metric([authority], len(offered))
        if offered:
            oldest.add_metric([authority], max((now - min(offered)).total_seconds(), 0.0))
    return [waiting, oldest]


class InboxBacklogCollector:
    def __init__(self, source: Callable[[], InboxSnapshot], clock: Callable[[], datetime] = _now) -> None:
        self.source = source
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        yield from inbox_families(self.source(), self.clock())

    def describe(self) -> Iterator[Metric]:
        yield from inbox_families({}, self.clock())
