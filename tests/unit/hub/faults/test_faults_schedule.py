"""The fault schedule and the options: reproducible from a seed, spread over the load, the outage within it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.faults.options import SMALL, FaultOptions, attempts_to_outlast
from hub.faults.schedule import EARLIEST, LATEST, Fault, plan


def test_the_same_seed_gives_the_same_schedule_and_another_seed_another() -> None:
    first = plan(200.0, kills=5, broker_restart=True, webhook_outage_s=60.0, seed=7)
    assert first == plan(200.0, kills=5, broker_restart=True, webhook_outage_s=60.0, seed=7)
    assert first != plan(200.0, kills=5, broker_restart=True, webhook_outage_s=60.0, seed=8)


def test_every_kill_and_the_broker_restart_are_planned_once() -> None:
    schedule = plan(200.0, kills=5, broker_restart=True, webhook_outage_s=0.0, seed=1)
    assert sorted(p.fault for p in schedule.worker) == sorted([Fault.KILL] * 5 + [Fault.BROKER])
    assert schedule.webhook == ()
    assert [p.fault for p in plan(10.0, kills=0, broker_restart=False, webhook_outage_s=0.0, seed=1).worker] == []


@given(st.floats(min_value=1.0, max_value=5000.0), st.integers(min_value=0, max_value=8), st.booleans(),
       st.integers(min_value=0, max_value=2**31))
def test_worker_faults_strike_in_order_within_the_loads_middle_each_in_its_own_slot(
        load_s: float, kills: int, broker: bool, seed: int) -> None:
    worker = plan(load_s, kills=kills, broker_restart=broker, webhook_outage_s=0.0, seed=seed).worker
    times = [p.at_s for p in worker]
    assert times == sorted(times)
    assert all(EARLIEST * load_s - 0.001 <= t <= LATEST * load_s + 0.001 for t in times)
    if worker:  # the n-th fault strikes within the n-th slot: each meets a worker that had time to recover
        width = (LATEST - EARLIEST) * load_s / len(worker)
        for n, t in enumerate(times):
            assert EARLIEST * load_s + n * width - 0.001 <= t <= EARLIEST * load_s + (n + 1) * width + 0.001


def test_the_webhook_outage_lasts_as_long_as_asked_half_503_half_refusing_and_ends_within_the_load() -> None:
    webhook = plan(200.0, kills=5, broker_restart=True, webhook_outage_s=60.0, seed=3).webhook
    assert [p.fault for p in webhook] == [Fault.WEBHOOK_503, Fault.WEBHOOK_REFUSING, Fault.WEBHOOK_UP]
    down, refusing, up = (p.at_s for p in webhook)
    assert refusing - down == pytest.approx(30.0, abs=0.01)
    assert up - down == pytest.approx(60.0, abs=0.01)
    assert down >= EARLIEST * 200.0 and up <= 200.0


def test_a_load_without_duration_has_no_schedule() -> None:
    with pytest.raises(ValueError, match="positive"):
        plan(0.0, kills=1, broker_restart=False, webhook_outage_s=0.0, seed=1)


def test_the_backoff_counts_attempts_until_the_outage_is_over() -> None:
    # delays 1, 2, 4, 5, 5, … s, each up to 20 % shorter: 0.8 + 1.6 + 3.2 = 5.6 s is past a 5 s outage after 4 attempts
    assert attempts_to_outlast(5.0, 1.0, 5.0) == 4
    assert attempts_to_outlast(0.0, 1.0, 5.0) == 1
    # a minute at 4 s per attempt (5 s less 20 %) after the first 5.6 s: 14 more attempts
    assert attempts_to_outlast(60.0, 1.0, 5.0) == 18


def test_the_webhook_allows_twice_the_attempts_the_outage_needs_and_at_least_twenty() -> None:
    assert FaultOptions(webhook_outage_s=60.0).webhook_attempts == 36
    assert FaultOptions(webhook_outage_s=0.0).webhook_attempts == 20


def test_options_that_make_no_sense_are_named() -> None:
    with pytest.raises(ValueError, match="--messages"):
        FaultOptions(messages=0).validated()
    with pytest.raises(ValueError, match="--rate"):
        FaultOptions(rate=0.0).validated()
    with pytest.raises(ValueError, match="at most 100"):
        FaultOptions(webhook_outage_s=3600.0).validated()
    assert FaultOptions(kills=0, webhook_outage_s=0.0).validated().kills == 0


def test_the_small_version_is_what_ci_runs_one_kill_and_200_messages() -> None:
    small = replace(FaultOptions(), **SMALL).validated()
    assert (small.messages, small.kills, small.broker_restart) == (200, 1, True)
    assert 0 < small.webhook_outage_s < small.load_s
    full = FaultOptions()
    assert (full.messages, full.kills, full.broker_restart, full.webhook_outage_s) == (2_000, 5, True, 60.0)
