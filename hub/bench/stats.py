"""Statistics of one load phase: rates over the phase's span and latency percentiles, from timestamps alone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (fraction 0.5 is the median, 0.99 the p99); None for no values.

    Nearest rank returns a value that was measured, never an interpolation between two.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction {fraction} is not in (0, 1]")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def rate(count: int, seconds: float) -> float | None:
    """Events per second, or None when nothing happened or no time passed."""
    return count / seconds if count and seconds > 0 else None


@dataclass(frozen=True)
class Sample:
    """One message of a phase: when its POST was started and answered, and when its last recipient was seen."""

    sent_at: float
    answered_at: float | None  # None: no 202 (refused or failed)
    completed_at: float | None  # None: not every recipient had its copy by the end of the phase


@dataclass(frozen=True)
class PhaseFigures:
    """What one phase measured: API and end-to-end rates, latency percentiles in seconds, and the losses."""

    sent: int
    accepted: int
    completed: int
    api_rate: float | None
    end_to_end_rate: float | None
    p50_s: float | None
    p99_s: float | None

    @property
    def incomplete(self) -> int:
        """Accepted messages of which some recipient never got its copy within the phase."""
        return self.accepted - self.completed


def summarise(samples: Sequence[Sample]) -> PhaseFigures:
    """Rates from the first POST to the last 202 (API) and to the last completion (end to end), and latency
    from POST to the last recipient's delivered event, over the completed messages (`incomplete` says how many
    accepted ones are missing from the end-to-end figures)."""
    accepted = [s for s in samples if s.answered_at is not None]
    completed = [s for s in accepted if s.completed_at is not None]
    start = min((s.sent_at for s in samples), default=0.0)
    last_answer = max((s.answered_at for s in accepted if s.answered_at is not None), default=start)
    last_completion = max((s.completed_at for s in completed if s.completed_at is not None), default=start)
    latencies = [s.completed_at - s.sent_at for s in completed if s.completed_at is not None]
    return PhaseFigures(
        sent=len(samples),
        accepted=len(accepted),
        completed=len(completed),
        api_rate=rate(len(accepted), last_answer - start),
        end_to_end_rate=rate(len(completed), last_completion - start),
        p50_s=percentile(latencies, 0.5),
        p99_s=percentile(latencies, 0.99),
    )
