"""The benchmark's errors: one root, each naming the phase and what went wrong."""

from __future__ import annotations


class BenchError(Exception):
    """The benchmark could not run a phase; `phase` names it, the message says why."""

    def __init__(self, phase: str, detail: str) -> None:
        super().__init__(f"{phase}: {detail}")
        self.phase = phase
        self.detail = detail
