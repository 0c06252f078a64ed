"""Backoff for redelivery: grows exponentially, stays under its cap, jitters within bounds, gives up on time."""

from __future__ import annotations

import random

import pytest

from hub.delivery.retry import RetryPolicy


def seeded(seed: int) -> random.Random:
    """A reproducible generator: backoff jitter needs spread, not unpredictability."""
    return random.Random(seed)  # noqa: S311


def test_defaults() -> None:
    policy = RetryPolicy()
    assert (policy.base_s, policy.factor, policy.max_delay_s, policy.max_attempts, policy.jitter) == (
        1.0, 2.0, 300.0, 6, 0.2)


def test_backoff_grows_exponentially_then_caps() -> None:
    policy = RetryPolicy()
    assert [policy.backoff(n) for n in range(1, 11)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert policy.backoff(10_000) == 300  # no overflow for absurd attempt numbers


def test_without_jitter_delay_is_the_backoff() -> None:
    policy = RetryPolicy(jitter=0.0)
    rng = seeded(1)
    assert [policy.delay(n, rng) for n in (1, 2, 3, 20)] == [1.0, 2.0, 4.0, 300.0]


def test_jitter_is_bounded_and_never_exceeds_the_cap() -> None:
    policy = RetryPolicy()
    rng = seeded(42)
    for attempt in range(1, 16):
        d = policy.backoff(attempt)
        for _ in range(200):
            delay = policy.delay(attempt, rng)
            assert d * 0.8 <= delay <= min(d * 1.2, 300.0)


def test_jitter_actually_spreads_delays_also_at_the_cap() -> None:
    policy = RetryPolicy()
    rng = seeded(7)
    early = {policy.delay(3, rng) for _ in range(50)}
    capped = [policy.delay(30, rng) for _ in range(50)]
    assert len(early) > 40
    assert len(set(capped)) > 40 and min(capped) >= 240.0 and max(capped) <= 300.0


def test_delays_grow_on_average() -> None:
    policy = RetryPolicy()
    rng = seeded(3)
    means = [sum(policy.delay(n, rng) for _ in range(100)) / 100 for n in range(1, 8)]
    assert means == sorted(means)


def test_deterministic_given_the_generator() -> None:
    policy = RetryPolicy()
    first = [policy.delay(n, seeded(99)) for n in range(1, 7)]
    second = [policy.delay(n, seeded(99)) for n in range(1, 7)]
    assert first == second


def test_exhausted_counts_every_attempt() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.exhausted(n) for n in range(5)] == [False, False, False, True, True]
    assert RetryPolicy(max_attempts=1).exhausted(1)


def test_attempt_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        RetryPolicy().delay(0, seeded(0))


@pytest.mark.parametrize("kwargs", [{"base_s": 0}, {"factor": 0.5}, {"max_delay_s": 0.5}, {"max_attempts": 0},
                                    {"jitter": 1.0}, {"jitter": -0.1}])
def test_invalid_policies_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_is_frozen() -> None:
    policy = RetryPolicy()
    with pytest.raises(AttributeError):
        policy.base_s = 2.0  # type: ignore[misc]
