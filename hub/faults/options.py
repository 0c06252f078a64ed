"""What one fault run does and how large it is; the defaults are the full run, `SMALL` the version CI runs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

WEBHOOK_RECIPIENT = "xga:06431000"  # the district's trade supervision: a recipient of every trade notification
MAX_ATTEMPTS_CEILING = 100  # the most a webhook channel allows
MIN_ATTEMPTS = 20
JITTER = 0.2  # the hub's retry jitter (hub/delivery/retry.py): a delay may be this much shorter


@dataclass(frozen=True)
class FaultOptions:
    """Sizes and faults of a run."""

    messages: int = 2_000  # trade notifications, each a new business
    rate: float = 10.0  # offered POSTs per second
    kills: int = 5  # kill -9 of the worker, each followed by a restart
    broker_restart: bool = True
    webhook_outage_s: float = 60.0  # 0: no outage
    webhook_recipient: str = WEBHOOK_RECIPIENT
    seed: int | None = None  # None: drawn at random and printed
    connections: int = 32
    retry_base_s: float = 1.0  # HUB_RETRY_BASE_S of the worker
    retry_max_delay_s: float = 5.0  # HUB_RETRY_MAX_DELAY_S of the worker
    start_timeout_s: float = 180.0  # how long a (re)started worker may take to be healthy
    post_timeout_s: float = 600.0  # how long one message is retried before the load generator gives it up
    drain_timeout_s: float = 300.0  # how long, after the load and the faults, everything may take to settle
    work_dir: Path | None = None  # kept after the run when given; else a temporary folder

    @property
    def load_s(self) -> float:
        return self.messages / self.rate

    @property
    def webhook_attempts(self) -> int:
        """max_attempts of the webhook channel: twice what the backoff needs to outlast the outage, at least 20."""
        return max(MIN_ATTEMPTS, min(MAX_ATTEMPTS_CEILING, 2 * attempts_to_outlast(
            self.webhook_outage_s, self.retry_base_s, self.retry_max_delay_s)))

    def validated(self) -> FaultOptions:
        """These options, or ValueError naming the option that makes no sense."""
        checks = {"messages": self.messages >= 1, "rate": self.rate > 0, "kills": self.kills >= 0,
                  "webhook-outage": self.webhook_outage_s >= 0, "connections": self.connections >= 1,
                  "start-timeout": self.start_timeout_s > 0, "post-timeout": self.post_timeout_s > 0,
                  "drain-timeout": self.drain_timeout_s > 0}
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            raise ValueError(f"--{wrong[0]} must be positive (--kills and --webhook-outage may be 0)")
        needed = attempts_to_outlast(self.webhook_outage_s, self.retry_base_s, self.retry_max_delay_s)
        if needed > MAX_ATTEMPTS_CEILING:
            raise ValueError(f"a webhook outage of {self.webhook_outage_s:.0f} s needs {needed} delivery attempts; "
                             f"a channel allows at most {MAX_ATTEMPTS_CEILING}")
        return replace(self)


def attempts_to_outlast(outage_s: float, base_s: float, max_delay_s: float) -> int:
    """How many attempts the hub's backoff (doubling from `base_s` up to `max_delay_s`, each delay up to 20 %
    shorter) makes before `outage_s` has passed, the first attempt included."""
    if outage_s <= 0:
        return 1
    attempts, waited, delay = 1, 0.0, base_s
    while waited <= outage_s and attempts <= MAX_ATTEMPTS_CEILING:
        waited += min(delay, max_delay_s) * (1 - JITTER)
        delay *= 2
        attempts += 1
    return attempts


SMALL: dict[str, Any] = {"messages": 200, "rate": 10.0, "kills": 1, "broker_restart": True, "webhook_outage_s": 10.0,
                         "drain_timeout_s": 120.0}
