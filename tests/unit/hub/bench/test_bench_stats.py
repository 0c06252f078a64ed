"""Benchmark statistics: nearest-rank percentiles, rates over a phase's span, what counts as complete."""

from __future__ import annotations

import pytest

from hub.bench.stats import Sample, percentile, rate, summarise


def test_nearest_rank_percentiles_are_measured_values() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # 1 … 100, unordered
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError, match="not in"):
        percentile([1.0], 0)


def test_a_rate_needs_events_and_time() -> None:
    assert rate(10, 2.0) == 5.0
    assert rate(0, 2.0) is None
    assert rate(10, 0.0) is None


def test_a_phase_is_measured_from_the_first_post_to_the_last_answer_and_the_last_completion() -> None:
    samples = [
        Sample(sent_at=10.0, answered_at=10.5, completed_at=11.0),
        Sample(sent_at=10.5, answered_at=11.0, completed_at=13.0),
        Sample(sent_at=11.0, answered_at=12.0, completed_at=14.0),
        Sample(sent_at=11.5, answered_at=None, completed_at=None),  # refused: counts as sent only
    ]
    figures = summarise(samples)
    assert (figures.sent, figures.accepted, figures.completed, figures.incomplete) == (4, 3, 3, 0)
    assert figures.api_rate == 3 / 2.0  # 10.0 … 12.0
    assert figures.end_to_end_rate == 3 / 4.0  # 10.0 … 14.0
    assert figures.p50_s == 2.5  # latencies 1.0, 2.5, 3.0
    assert figures.p99_s == 3.0


def test_incomplete_messages_are_counted_and_left_out_of_the_latencies() -> None:
    figures = summarise([Sample(0.0, 0.1, 1.0), Sample(0.0, 0.2, None)])
    assert figures.incomplete == 1
    assert figures.p99_s == 1.0
    assert figures.end_to_end_rate == 1.0


def test_an_empty_phase_has_no_figures() -> None:
    figures = summarise([])
    assert (figures.sent, figures.api_rate, figures.end_to_end_rate, figures.p50_s) == (0, None, None, None)
