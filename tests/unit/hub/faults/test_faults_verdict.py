"""Counting a fault run: what each recipient shows against what was accepted and planned, and every case timeline."""

from __future__ import annotations

from typing import Any

from hub.faults.verdict import Observations, Sent, WebhookCall, judge

INBOX, HOOK = "ihk:06411000", "xga:06431000"
CHANNELS = {INBOX: "inbox", HOOK: "webhook"}


def _sent(n: int) -> Sent:
    return Sent(f"m{n}", f"c{n}", (INBOX, HOOK))


def _timeline(sent: Sent, *, without: str | None = None) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = [{"status": "received", "message_id": sent.message_id},
                                     {"status": "routed", "message_id": sent.message_id}]
    entries += [{"status": "delivered", "message_id": sent.message_id, "recipient": r} for r in sent.recipients]
    return [e for e in entries if f"{e['status']} {e.get('recipient', '')}".strip() != without]


def _call(n: int, key: str | None = None, status: int = 200, **flags: bool) -> WebhookCall:
    return WebhookCall(HOOK, f"m{n}", key or f"k{n}", status, **flags)


def _complete(sent: list[Sent], **changes: Any) -> Observations:
    seen = Observations(sent=sent, channels=CHANNELS, inboxes={INBOX: [s.message_id for s in sent]},
                        webhook=[_call(int(s.message_id[1:])) for s in sent],
                        timelines={s.case_id: _timeline(s) for s in sent})
    for name, value in changes.items():
        setattr(seen, name, value)
    return seen


def test_everything_given_once_with_complete_timelines_meets_the_target() -> None:
    sent = [_sent(1), _sent(2)]
    verdict = judge(_complete(sent))
    assert (verdict.accepted, verdict.expected, verdict.lost, verdict.failures) == (2, 4, (), [])
    assert verdict.ok


def test_a_message_missing_at_one_recipient_is_lost_and_named_with_it() -> None:
    sent = [_sent(1), _sent(2)]
    verdict = judge(_complete(sent, inboxes={INBOX: ["m1"]}))
    assert verdict.missing == (("m2", INBOX),)
    assert verdict.lost == ("m2",)
    assert verdict.failures == ["1 lost"]


def test_a_delivery_parked_as_failed_still_counts_as_lost() -> None:
    sent = [_sent(1)]
    timeline = [*_timeline(sent[0]), {"status": "failed", "message_id": "m1", "recipient": HOOK}]
    verdict = judge(_complete(sent, webhook=[_call(1, status=503)], timelines={"c1": timeline}))
    assert verdict.lost == ("m1",)
    assert verdict.parked == (("m1", HOOK),)
    assert verdict.webhook_refused == 1


def test_an_inbox_listing_a_message_twice_is_a_duplicate() -> None:
    sent = [_sent(1)]
    verdict = judge(_complete(sent, inboxes={INBOX: ["m1", "m1"]}))
    assert verdict.inbox_twice == (("m1", INBOX),)
    assert verdict.failures == ["1 listed twice in an inbox"]


def test_a_webhook_repeat_under_the_same_key_is_absorbed_but_a_second_key_is_a_duplicate() -> None:
    sent = [_sent(1), _sent(2)]
    calls = [_call(1), _call(1, repeat=True), _call(2), _call(2, key="other")]
    verdict = judge(_complete(sent, webhook=calls))
    assert (verdict.webhook_repeats, verdict.webhook_repeated_messages) == (1, 1)
    assert verdict.webhook_twice == (("m2", HOOK),)
    assert verdict.failures == ["1 processed twice by the webhook recipient"]


def test_refused_and_unsigned_posts_do_not_count_as_delivered() -> None:
    sent = [_sent(1)]
    calls = [_call(1, status=503), _call(1, status=0), _call(1, status=401, signed=False)]
    verdict = judge(_complete(sent, webhook=calls))
    assert verdict.missing == (("m1", HOOK),)
    assert (verdict.webhook_refused, verdict.webhook_unsigned) == (2, 1)


def test_a_delivery_to_a_recipient_not_planned_is_reported() -> None:
    sent = [Sent("m1", "c1", (INBOX,))]
    seen = Observations(sent=sent, channels=CHANNELS, inboxes={INBOX: ["m1"]}, webhook=[_call(1)],
                        timelines={"c1": _timeline(sent[0])})
    verdict = judge(seen)
    assert verdict.unplanned == (("m1", HOOK),)
    assert "1 given to a recipient not planned" in verdict.failures


def test_a_message_at_a_recipient_that_was_never_accepted_is_counted_not_failed() -> None:
    sent = [_sent(1)]
    verdict = judge(_complete(sent, inboxes={INBOX: ["m1", "m9"]}))
    assert verdict.unaccepted == 1
    assert verdict.ok


def test_a_timeline_lacking_a_step_is_incomplete() -> None:
    sent = [_sent(1)]
    verdict = judge(_complete(sent, timelines={"c1": _timeline(sent[0], without=f"delivered {HOOK}")}))
    assert [(g.case_id, g.message_id, g.missing) for g in verdict.gaps] == [("c1", "m1", (f"delivered {HOOK}",))]
    assert verdict.failures == ["1 incomplete timelines"]


def test_an_unreadable_case_is_incomplete_with_the_reason() -> None:
    sent = [_sent(1)]
    verdict = judge(_complete(sent, timelines={}, unreadable={"c1": "case not readable: HTTP 404"}))
    assert [g.missing for g in verdict.gaps] == [("case not readable: HTTP 404",)]


def test_a_step_filed_twice_is_a_repeat_with_its_count() -> None:
    sent = [_sent(1)]
    delivered = {"status": "delivered", "message_id": "m1", "recipient": INBOX}
    verdict = judge(_complete(sent, timelines={"c1": [*_timeline(sent[0]), delivered, delivered]}))
    assert [(r.case_id, r.message_id, r.status, r.recipient, r.times) for r in verdict.repeats] == [
        ("c1", "m1", "delivered", INBOX, 3)]
    assert verdict.failures == ["1 repeated timeline steps"]


def test_two_messages_of_one_case_each_file_their_own_steps() -> None:
    first, second = Sent("m1", "c", (INBOX,)), Sent("m2", "c", (INBOX,))
    seen = Observations(sent=[first, second], channels=CHANNELS, inboxes={INBOX: ["m1", "m2"]},
                        timelines={"c": [*_timeline(first), *_timeline(second)]})
    verdict = judge(seen)
    assert (verdict.gaps, verdict.repeats) == ((), ())
