"""Delivery outcomes per recipient and channel; end-to-end latency in buckets from milliseconds to an hour."""

from __future__ import annotations

from monitoring.metrics import (
    LATENCY_BUCKETS,
    REGISTRY,
    delivery_outcome,
    observe_end_to_end,
)


def _value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_delivery_outcomes_are_counted_per_recipient_channel_and_outcome() -> None:
    who = {"recipient": "xga:test-outcomes", "channel": "webhook"}
    delivery_outcome(who["recipient"], who["channel"], "failed")
    delivery_outcome(who["recipient"], who["channel"], "failed")
    delivery_outcome(who["recipient"], who["channel"], "delivered")
    assert _value("hub_delivery_outcomes_total", **who, outcome="failed") == 2
    assert _value("hub_delivery_outcomes_total", **who, outcome="delivered") == 1
    assert _value("hub_delivery_outcomes_total", **who, outcome="parked") is None


def test_end_to_end_latency_buckets_span_milliseconds_to_an_hour() -> None:
    assert LATENCY_BUCKETS[0] <= 0.005 and LATENCY_BUCKETS[-1] >= 3600
    assert list(LATENCY_BUCKETS) == sorted(LATENCY_BUCKETS)
    observe_end_to_end("XTest", 0.003)
    observe_end_to_end("XTest", 95.0)
    assert _value("hub_end_to_end_seconds_bucket", standard="XTest", le="0.005") == 1
    assert _value("hub_end_to_end_seconds_bucket", standard="XTest", le="60.0") == 1
    assert _value("hub_end_to_end_seconds_bucket", standard="XTest", le="120.0") == 2
    assert _value("hub_end_to_end_seconds_count", standard="XTest") == 2
