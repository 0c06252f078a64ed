"""When the faults strike, drawn from a seed: pure, so a run can be repeated with `--seed`.

The worker's faults (each kill -9, the broker restart) get one slot each of the load's middle stretch, in random
order, and strike at a random moment within their slot: so they are spread over the load instead of piling up,
and each meets a worker that has had time to recover from the one before. The webhook outage starts at a random
moment that lets it end within the load where the load is long enough; its first half answers 503, the second
refuses connections.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

EARLIEST = 0.05  # share of the load before the first fault
LATEST = 0.9  # share of the load by which every worker fault has struck


class Fault(StrEnum):
    KILL = "kill -9 of the worker's process group"
    BROKER = "broker stop and start, worker running"
    WEBHOOK_503 = "webhook recipient down: answering 503"
    WEBHOOK_REFUSING = "webhook recipient down: refusing connections"
    WEBHOOK_UP = "webhook recipient up again"


@dataclass(frozen=True)
class Planned:
    """One fault at `at_s` seconds after the load started."""

    at_s: float
    fault: Fault


@dataclass(frozen=True)
class Schedule:
    worker: tuple[Planned, ...]  # kills and the broker restart, in order; struck one after the other
    webhook: tuple[Planned, ...]  # the outage's steps, in order; independent of the worker's


def plan(load_s: float, *, kills: int, broker_restart: bool, webhook_outage_s: float, seed: int) -> Schedule:
    """The faults of a load lasting `load_s` seconds."""
    if load_s <= 0:
        raise ValueError(f"the load must last a positive time, not {load_s}")
    rng = random.Random(seed)  # noqa: S311  (a reproducible schedule, nothing secret)
    faults = [Fault.KILL] * kills + ([Fault.BROKER] if broker_restart else [])
    rng.shuffle(faults)
    start, span = EARLIEST * load_s, (LATEST - EARLIEST) * load_s
    width = span / len(faults) if faults else 0.0
    worker = tuple(Planned(round(start + i * width + rng.uniform(0, width), 3), fault)
                   for i, fault in enumerate(faults))
    webhook: tuple[Planned, ...] = ()
    if webhook_outage_s > 0:
        latest = max(start, load_s - webhook_outage_s)
        down = round(rng.uniform(start, latest), 3)
        webhook = (Planned(down, Fault.WEBHOOK_503), Planned(round(down + webhook_outage_s / 2, 3),
                                                             Fault.WEBHOOK_REFUSING),
                   Planned(round(down + webhook_outage_s, 3), Fault.WEBHOOK_UP))
    return Schedule(worker, webhook)
