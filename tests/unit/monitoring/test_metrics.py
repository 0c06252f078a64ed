"""Delivery outcomes feed the recipient's health; end-to-end latency lands in buckets from milliseconds to an hour."""

from __future__ import annotations

from monitoring.metrics import (
    LATENCY_BUCKETS,
    REGISTRY,
    delivery_outcome,
    observe_end_to_end,
)


def _value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_failures_count_up_until_a_success_resets_them_and_records_its_time() -> None:
    who = {"recipient": "xga:test-health", "channel": "webhook"}
    delivery_outcome(who["recipient"], who["channel"], "failed", at=1000.0)
    delivery_outcome(who["recipient"], who["channel"], "failed", at=1010.0)
    assert _value("hub_recipient_consecutive_failures", **who) == 2
    assert _value("hub_recipient_last_success_timestamp_seconds", **who) is None
    delivery_outcome(who["recipient"], who["channel"], "delivered", at=1020.0)
    assert _value("hub_recipient_consecutive_failures", **who) == 0
    assert _value("hub_recipient_last_success_timestamp_seconds", **who) == 1020.0
    delivery_outcome(who["recipient"], who["channel"], "parked", at=1030.0)
    assert _value("hub_recipient_consecutive_failures", **who) == 1  # the last attempt of a parked delivery failed
    assert _value("hub_delivery_outcomes_total", **who, outcome="failed") == 2
    assert _value("hub_delivery_outcomes_total", **who, outcome="parked") == 1


def test_end_to_end_latency_buckets_span_milliseconds_to_an_hour() -> None:
    assert LATENCY_BUCKETS[0] <= 0.005 and LATENCY_BUCKETS[-1] >= 3600
    assert list(LATENCY_BUCKETS) == sorted(LATENCY_BUCKETS)
    observe_end_to_end("XTest", 0.003)
    observe_end_to_end("XTest", 95.0)
    assert _value("hub_end_to_end_seconds_bucket", standard="XTest", le="0.005") == 1
    assert _value("hub_end_to_end_seconds_bucket", standard="XTest", le="60.0") == 1
    assert _value("hub_end_to_end_seconds_bucket", standard="XTest", le="120.0") == 2
    assert _value("hub_end_to_end_seconds_count", standard="XTest") == 2
