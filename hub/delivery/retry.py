"""Exponential backoff with jitter for redelivery: pure and deterministic given the random generator.

Jitter spreads the retries of many deliveries that failed together (a recipient's outage) so they do not return in
one burst; passing the generator in keeps tests and replays reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try a delivery again and when to give up.

    `max_attempts` counts every attempt, the first included: 6 means the first try and 5 retries.
    `max_delay_s` is a hard ceiling on any delay; `jitter` is the ± fraction drawn around the backoff.
    """

    base_s: float = 1.0
    factor: float = 2.0
    max_delay_s: float = 300.0
    max_attempts: int = 6
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.base_s <= 0:
            raise ValueError("base_s must be positive")
        if self.factor < 1:
            raise ValueError("factor must be at least 1")
        if self.max_delay_s < self.base_s:
            raise ValueError("max_delay_s must be at least base_s")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be a fraction in [0, 1)")

    def backoff(self, attempt: int) -> float:
        """The delay before retry number `attempt` (1 = first retry) without jitter: base·factor^(attempt-1), capped."""
        if attempt < 1:
            raise ValueError("attempt counts retries from 1")
        try:
            raw = self.base_s * self.factor ** (attempt - 1)
        except OverflowError:
            return self.max_delay_s
        return min(raw, self.max_delay_s)

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The delay before retry number `attempt`: the backoff ± jitter, drawn uniformly from `rng`.

        The window is [d·(1-jitter), min(d·(1+jitter), max_delay_s)], so the cap is never exceeded and retries at the
        cap are still spread out rather than piled on max_delay_s.
        """
        d = self.backoff(attempt)
        low = d * (1 - self.jitter)
        high = min(d * (1 + self.jitter), self.max_delay_s)
        return rng.uniform(low, high)

    def exhausted(self, attempts: int) -> bool:
        """True once `attempts` deliveries (the first included) have been made and no further one is allowed."""
        return attempts >= self.max_attempts
