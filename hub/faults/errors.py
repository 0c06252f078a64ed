"""The fault suite's errors: one root, naming the step that could not run and why."""

from __future__ import annotations


class FaultSuiteError(Exception):
    """The suite could not run a step (start the broker or the hub, reach the API); `step` names it."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step
        self.detail = detail
