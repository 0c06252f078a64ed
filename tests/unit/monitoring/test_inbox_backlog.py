"""Pull-inbox backlog: waiting messages per authority and the age of the oldest, measured at scrape time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitoring.inbox_backlog import InboxBacklogCollector
from monitoring.metrics import INBOX_OLDEST_AGE, INBOX_WAITING

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _values(collector: InboxBacklogCollector) -> dict[tuple[str, str], float]:
    return {(s.name, s.labels["authority"]): s.value for family in collector.collect() for s in family.samples}


def test_waiting_count_and_oldest_age_per_authority() -> None:
    snapshot = {"ihk:06411000": [NOW - timedelta(hours=2), NOW - timedelta(minutes=5)], "xga:06431000": []}
    values = _values(InboxBacklogCollector(lambda: snapshot, clock=lambda: NOW))
    assert values == {
        (INBOX_WAITING.name, "ihk:06411000"): 2,
        (INBOX_OLDEST_AGE.name, "ihk:06411000"): 7200,
        (INBOX_WAITING.name, "xga:06431000"): 0,  # an empty inbox has no oldest message, and no age
    }


def test_the_age_grows_between_scrapes_without_any_update() -> None:
    clock = [NOW]
    collector = InboxBacklogCollector(lambda: {"ihk:06411000": [NOW]}, clock=lambda: clock[0])
    assert _values(collector)[(INBOX_OLDEST_AGE.name, "ihk:06411000")] == 0
    clock[0] = NOW + timedelta(days=1)
    assert _values(collector)[(INBOX_OLDEST_AGE.name, "ihk:06411000")] == 86400
