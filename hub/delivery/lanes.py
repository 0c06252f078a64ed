"""The state of one served recipient's lane, and the one place that decides what happens to its next copy.

A lane is direct while the recipient answers; after a failure (or while it is too slow) its copies go to the retry
stream, newer ones behind older ones, until the last copy sent there has been dealt with. So a failing recipient
keeps its order and holds up nobody else. The lane is kept in the `lanes` table, keyed by recipient.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Lane(BaseModel):
    """A recipient's delivery health and retry position."""

    model_config = ConfigDict(frozen=True)

    in_retry: bool = False
    enqueued: int = 0                  # sequence number of the last copy sent to the retry stream
    done: int = 0                      # sequence number of the last retry copy dealt with (delivered or settled)
    failures: int = 0                  # consecutive failed attempts
    next_attempt_at: float = 0.0       # epoch seconds: when the lane may be tried again
    last_success: datetime | None = None
    last_failure: datetime | None = None
    last_error: str | None = None

    def forwarded(self) -> tuple[Lane, int]:
        """The lane after one more copy went to the retry stream, and that copy's sequence number."""
        seq = self.enqueued + 1
        return self.model_copy(update={"in_retry": True, "enqueued": seq}), seq

    @property
    def retry_waiting(self) -> int:
        """Copies on the retry stream not dealt with yet (they are worked in order, so the sequence numbers tell)."""
        return max(self.enqueued - self.done, 0) if self.in_retry else 0

    def succeeded(self, at: datetime, seq: int | None = None) -> Lane:
        """After a delivered copy; a copy from the retry stream that was the last one sent there ends retry mode."""
        done = seq is not None and seq >= self.enqueued
        return self.model_copy(update={"failures": 0, "next_attempt_at": 0.0, "last_success": at,
                                       "in_retry": self.in_retry and not done, "done": self._done(seq)})

    def failed(self, error: str, at: datetime, now_s: float, delay_s: float) -> Lane:
        """After a failed attempt: the lane waits `delay_s` (the caller's backoff for `failures`)."""
        failures = self.failures + 1
        return self.model_copy(update={"failures": failures, "next_attempt_at": now_s + delay_s, "last_failure": at,
                                       "last_error": error})

    def settled(self, seq: int | None) -> Lane:
        """After a copy from the retry stream was dealt with without delivery (parked, or given before)."""
        done = seq is not None and seq >= self.enqueued
        return self.model_copy(update={"in_retry": self.in_retry and not done, "done": self._done(seq)})

    def _done(self, seq: int | None) -> int:
        return max(self.done, seq) if seq is not None else self.done


class Action(StrEnum):
    """What to do with a lane's next copy."""

    SKIP = "skip"          # the recipient has it already
    FORWARD = "forward"    # send it to the retry stream behind the copies waiting there
    ATTEMPT = "attempt"    # try to deliver it now


def next_action(lane: Lane, *, given: bool, from_retry: bool, waiting_behind: int, max_waiting: int,
                replay: bool = False) -> Action:
    """The decision for one copy of a webhook or folder recipient.

    `given`: the recipient was given this message before (a replay asks for it again). A direct copy is forwarded
    while the lane is in retry mode, or when more than `max_waiting` copies wait behind it (the recipient is too slow
    to keep up, and holding its copies in memory would hold up the stream's commits).
    """
    if given and not replay:
        return Action.SKIP
    if from_retry:
        return Action.ATTEMPT
    if lane.in_retry or waiting_behind > max_waiting:
        return Action.FORWARD
    return Action.ATTEMPT
