"""Reading what a prometheus_client collector yields, for assertions."""

from __future__ import annotations

from typing import Any

SampleKey = tuple[str, tuple[tuple[str, str], ...]]  # (sample name, sorted label pairs)


def samples(collector: Any) -> dict[SampleKey, float]:
    """Every sample the collector yields now, keyed by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in collector.collect() for s in family.samples}
