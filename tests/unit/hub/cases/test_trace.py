"""The trace of a case: its steps and parked records in time order, for one message when asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.cases.timeline import entry_of
from hub.cases.trace import as_table, timeline_trace, trace
from topics.envelope import DeadLetter, Status, StatusEvent

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _step(status: Status, seconds: int, message_id: str = "m-1", **extra: object) -> StatusEvent:
    return StatusEvent(case_id="c-1", status=status, message_id=message_id, at=T0 + timedelta(seconds=seconds),
                       **extra)


def test_steps_and_parked_records_in_time_order() -> None:
    events = [_step(Status.DELIVERED, 3, recipient="ihk:1", channel="inbox", attempt=1, origin="t.hub.delivery[2]@9"),
              _step(Status.RECEIVED, 1, origin="t.trade.ingest[0]@4"), _step(Status.RECEIVED, 2, message_id="m-2"),
              StatusEvent(case_id="other", status=Status.RECEIVED, at=T0)]
    parked = [DeadLetter(reason_code="delivery.failed", reason="HTTP 503", case_id="c-1", message_id="m-1",
                         origin="delivery", topic="t.hub.delivery", partition=2, offset=9, attempts=6,
                         recipient="xga:1", parked_at=T0 + timedelta(seconds=4))]
    lines = trace(events, parked, case_id="c-1")
    assert [(line.stage, line.message_id) for line in lines] == [
        ("received", "m-1"), ("received", "m-2"), ("delivered", "m-1"), ("parked", "m-1")]
    assert lines[2].record == "t.hub.delivery[2]@9" and lines[3].record == "t.hub.delivery[2]@9"
    assert [line.stage for line in trace(events, parked, case_id="c-1", message_id="m-2")] == ["received"]
    table = as_table(lines).splitlines()
    assert table[0].startswith("ZEIT (UTC)") and "t.trade.ingest[0]@4" in table[1]
    assert "delivery.failed: HTTP 503" in table[-1] and "6" in table[-1].split()


def test_a_case_timeline_gives_the_same_steps_as_its_status_events() -> None:
    events = [_step(Status.RECEIVED, 1, message_id="M-1", origin="t.trade.ingest[0]@4", author="MELDID:06431002",
                    kinds=("anmeldung",), facts={"datum": "2026-12-01"}),
              _step(Status.FAILED, 5, message_id="M-1", recipient="xga:1", channel="webhook", attempt=3,
                    reason="HTTP 503"),
              _step(Status.RECEIVED, 2, message_id="m-2")]
    entries = [{**entry_of(e), "label": "Anmeldung eingegangen"} for e in events]
    assert timeline_trace("c-1", entries) == trace(events, [], case_id="c-1")
    failed = timeline_trace("c-1", entries)[-1]
    assert (failed.stage, failed.recipient, failed.channel, failed.attempt, failed.outcome) == (
        "failed", "xga:1", "webhook", 3, "HTTP 503")
    # a message id as typed: spacing and case do not matter
    assert [line.stage for line in timeline_trace("c-1", entries, " m-1 ")] == ["received", "failed"]
    assert timeline_trace("c-1", entries, "m-9") == []
