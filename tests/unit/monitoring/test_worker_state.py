"""Worker-state gauges at scrape time: inbox backlog with the age of the oldest message, and recipient health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitoring.metrics import (
    INBOX_OLDEST_AGE,
    INBOX_WAITING,
    RECIPIENT_FAILURES,
    RECIPIENT_LAST_SUCCESS,
    RETRY_BACKLOG,
)
from monitoring.worker_state import RecipientState, WorkerStateCollector
from tests.support.metrics import samples

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_waiting_count_and_oldest_age_per_authority() -> None:
    snapshot = {"ihk:06411000": [NOW - timedelta(hours=2), NOW - timedelta(minutes=5)], "xga:06431000": []}
    found = samples(WorkerStateCollector(inboxes=lambda: snapshot, clock=lambda: NOW))
    assert found == {
        (INBOX_WAITING.name, (("authority", "ihk:06411000"),)): 2,
        (INBOX_OLDEST_AGE.name, (("authority", "ihk:06411000"),)): 7200,
        (INBOX_WAITING.name, (("authority", "xga:06431000"),)): 0,  # an empty inbox has no oldest message
    }


def test_the_age_grows_between_scrapes_without_any_update() -> None:
    clock = [NOW]
    collector = WorkerStateCollector(inboxes=lambda: {"ihk:06411000": [NOW]}, clock=lambda: clock[0])
    key = (INBOX_OLDEST_AGE.name, (("authority", "ihk:06411000"),))
    assert samples(collector)[key] == 0
    clock[0] = NOW + timedelta(days=1)
    assert samples(collector)[key] == 86400


def test_recipient_health_and_retry_backlog_per_recipient() -> None:
    lanes = {
        "xga:06431000": RecipientState("webhook", consecutive_failures=4, last_success=NOW, retry_waiting=7),
        "fin:2605": RecipientState("folder", consecutive_failures=0, last_success=None),
    }
    found = samples(WorkerStateCollector(recipients=lambda: lanes, clock=lambda: NOW))
    assert found == {
        (RECIPIENT_FAILURES.name, (("channel", "webhook"), ("recipient", "xga:06431000"))): 4,
        (RECIPIENT_LAST_SUCCESS.name, (("channel", "webhook"), ("recipient", "xga:06431000"))): NOW.timestamp(),
        (RETRY_BACKLOG.name, (("recipient", "xga:06431000"),)): 7,
        # never delivered to: no last success, and a backlog nobody counted is not shown as 0
        (RECIPIENT_FAILURES.name, (("channel", "folder"), ("recipient", "fin:2605"))): 0,
    }
