"""The fault run's table: every count beside its target, the channel of each lost delivery, the faults as they
happened, and a target line naming what was missed."""

from __future__ import annotations

from collections import Counter

from hub.bench.table import Row
from hub.faults.report import Event, FaultResult, rows, table
from hub.faults.verdict import Observations, Sent, WebhookCall, judge

INBOX, HOOK = "ihk:06411000", "xga:06431000"
CHANNELS = {INBOX: "inbox", HOOK: "webhook"}


def _result(inbox: list[str], calls: list[WebhookCall], not_accepted: Counter[str] | None = None) -> FaultResult:
    sent = [Sent("m1", "c1", (INBOX, HOOK)), Sent("m2", "c2", (INBOX, HOOK))]
    timelines = {s.case_id: [{"status": "received", "message_id": s.message_id},
                             {"status": "routed", "message_id": s.message_id},
                             *({"status": "delivered", "message_id": s.message_id, "recipient": r}
                               for r in s.recipients)] for s in sent}
    verdict = judge(Observations(sent=sent, channels=CHANNELS, inboxes={INBOX: inbox}, webhook=calls,
                                 timelines=timelines))
    return FaultResult(title=["hub faults — test"], seed=42, posted=2, rate=10.0, retries=3,
                       not_accepted=not_accepted or Counter(), channels=CHANNELS, verdict=verdict, status_repeats=1,
                       settled_s=4.2, drain_timeout_s=300.0,
                       events=[Event(12.5, "12:00:00", "kill -9 of the worker's process group", "pid 7")])


def _row(table: list[Row], start: str) -> Row:
    return next(r for r in table if r.figure.startswith(start))


def test_a_clean_run_meets_every_target_and_says_so() -> None:
    result = _result(["m1", "m2"], [WebhookCall(HOOK, "m1", "k1", 200), WebhookCall(HOOK, "m2", "k2", 200)])
    assert result.ok
    printed = rows(result)
    assert _row(printed, "accepted").measured == "2"
    assert _row(printed, "expected deliveries").measured.startswith("4 to 2 recipients")
    assert all(r.verdict in ("", "met") for r in printed)
    assert "target met: 0 lost, 0 duplicate deliveries" in table(result)


def test_lost_deliveries_are_counted_per_channel_and_named_below_the_table() -> None:
    result = _result(["m1"], [WebhookCall(HOOK, "m1", "k1", 200)])
    lost = _row(rows(result), "lost")
    assert (lost.measured, lost.target, lost.verdict) == ("1 (2 deliveries missing: 1 inbox, 1 webhook; 0 parked as "
                                                          "failed)", "0", "not met")
    printed = table(result)
    assert "target NOT met: 1 lost" in printed
    assert "lost: m2 at ihk:06411000; m2 at xga:06431000" in printed


def test_duplicates_are_shown_per_channel_and_absorbed_repeats_apart() -> None:
    calls = [WebhookCall(HOOK, "m1", "k1", 200), WebhookCall(HOOK, "m1", "k1", 200, repeat=True),
             WebhookCall(HOOK, "m2", "k2", 200), WebhookCall(HOOK, "m2", "k3", 200)]
    printed = rows(_result(["m1", "m2", "m2"], calls))
    assert _row(printed, "duplicate deliveries, inbox").measured == "1"
    assert _row(printed, "duplicate deliveries, webhook").measured == "1"
    assert _row(printed, "webhook POSTs repeating").measured == "1 (1 messages)"


def test_messages_never_accepted_fail_the_run() -> None:
    result = _result(["m1", "m2"], [WebhookCall(HOOK, "m1", "k1", 200), WebhookCall(HOOK, "m2", "k2", 200)],
                     Counter({"503 None": 1}))
    assert result.failures == ["1 messages never answered 202"]
    assert _row(rows(result), "accepted").verdict == "not met"


def test_each_fault_is_a_row_with_its_time() -> None:
    result = _result(["m1", "m2"], [WebhookCall(HOOK, "m1", "k1", 200), WebhookCall(HOOK, "m2", "k2", 200)])
    fault = _row(rows(result), "fault 1")
    assert fault.figure == "fault 1 at +12.5 s (12:00:00 UTC)"
    assert fault.measured == "kill -9 of the worker's process group: pid 7"
