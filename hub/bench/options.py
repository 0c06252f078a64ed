"""What one benchmark run does and how large it is; --quick scales every phase down to a smoke run."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

STANDARDS = ("XGewerbeanzeige", "XBau", "XMeld")
ALIASES = {"trade": "XGewerbeanzeige", "building": "XBau", "registration": "XMeld"}


def standard_name(value: str) -> str:
    """A standard as the hub names it, from its name or its domain alias (trade, building, registration)."""
    for name in STANDARDS:
        if value.lower() == name.lower():
            return name
    if value.lower() in ALIASES:
        return ALIASES[value.lower()]
    raise ValueError(f"unknown standard {value!r}; choose from {', '.join(STANDARDS)} or {', '.join(ALIASES)}")


@dataclass(frozen=True)
class BenchOptions:
    """Sizes of the phases and which ones run; the defaults measure the targets, --quick only smoke-tests."""

    standards: tuple[str, ...] = STANDARDS
    messages: int = 10_000  # per standard, at saturation
    rate: float = 100.0  # offered msg/s of the fixed-load phase
    rate_seconds: float = 30.0  # duration of the fixed-load phase
    connections: int = 32
    passthrough_messages: int = 20_000
    selfcheck_messages: int = 5_000
    cases: tuple[int, ...] = (10_000, 100_000)  # RSS checkpoints: cases the worker has handled so far
    drain_timeout_s: float = 600.0  # how long a phase waits after its last POST for the last recipient
    start_timeout_s: float = 600.0  # how long a `hub run` may take to be healthy
    skip_selfcheck: bool = False
    skip_passthrough: bool = False
    skip_saturation: bool = False
    skip_fixed_rate: bool = False
    skip_cases: bool = False
    skip_restart: bool = False
    skip_nationwide: bool = False
    work_dir: Path | None = None  # kept after the run when given; else a temporary folder

    @property
    def fixed_rate_messages(self) -> int:
        return max(int(self.rate * self.rate_seconds), 1)

    def validated(self) -> BenchOptions:
        """These options, or ValueError naming the option that makes no sense."""
        checks = {"messages": self.messages >= 1, "rate": self.rate > 0, "rate-seconds": self.rate_seconds > 0,
                  "connections": self.connections >= 1, "passthrough-messages": self.passthrough_messages >= 1,
                  "selfcheck-messages": self.selfcheck_messages >= 1, "cases": all(c >= 1 for c in self.cases),
                  "drain-timeout": self.drain_timeout_s > 0, "start-timeout": self.start_timeout_s > 0,
                  "standard": bool(self.standards)}
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            raise ValueError(f"--{wrong[0]} must be positive (or name at least one standard)")
        return replace(self, cases=tuple(sorted(set(self.cases))))


QUICK = {"messages": 50, "rate_seconds": 3.0, "passthrough_messages": 2_000, "selfcheck_messages": 1_000,
         "cases": (300,), "drain_timeout_s": 120.0}
