"""Holds back repeated warnings of the Kafka client libraries: while a broker is down they write the same few lines
hundreds of times a second.

Every line that says the broker cannot be reached belongs to one run, whatever its wording; any other line repeats
in a run of its own. The first line of a run passes; afterwards one line per interval says that the state still
holds, for how long it has lasted and how many lines were held back. A run ends when none of its lines has come for
a whole interval.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

NOISY_LOGGERS = ("aiokafka", "kafka")
# Templates (the unformatted message) that mean "the broker cannot be reached", as opposed to any other repetition.
UNREACHABLE_HINTS = ("connect", "metadata", "refused", "coordinator", "heartbeat", "no node", "fetch", "send",
                     "produce", "timed out", "timeout")
UNREACHABLE, REPEATING = "kafka_unreachable", "repeating"
MAX_RUNS = 512  # distinct templates remembered; far more than the client libraries have


@dataclass
class _Run:
    started: float
    last_seen: float
    last_passed: float
    held: int = 0


def state_of(template: str) -> str:
    lowered = template.lower()
    return UNREACHABLE if any(hint in lowered for hint in UNREACHABLE_HINTS) else REPEATING


class RepeatFilter(logging.Filter):
    """A handler filter: WARNING and above from `loggers` are limited to one line per `interval_s` per run.

    Each line it lets through carries the fields `state` (kafka_unreachable or repeating), `lasting_s` (how long
    the run has lasted) and `held_back` (lines held back since the last one let through).
    """

    def __init__(self, interval_s: float = 30.0, loggers: Sequence[str] = NOISY_LOGGERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.loggers = tuple(loggers)
        self.clock = clock
        self._runs: dict[tuple[str, str], _Run] = {}
        self._lock = threading.Lock()

    def _noisy(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING and any(
            record.name == name or record.name.startswith(name + ".") for name in self.loggers)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._noisy(record):
            return True
        template = str(record.msg)
        state = state_of(template)
        key = (UNREACHABLE, "") if state == UNREACHABLE else (record.name, template)
        with self._lock:
            now = self.clock()
            run = self._runs.get(key)
            if run is None or now - run.last_seen >= self.interval_s:
                if len(self._runs) >= MAX_RUNS:
                    self._forget_ended(now)
                run = self._runs[key] = _Run(started=now, last_seen=now, last_passed=now)
                held, lasting = 0, 0.0
            else:
                run.last_seen = now
                if now - run.last_passed < self.interval_s:
                    run.held += 1
                    return False
                held, lasting = run.held, now - run.started
                run.held, run.last_passed = 0, now
        # fields, not a changed message: other handlers (and the message's own wording) stay as they were
        record.state = state
        record.lasting_s = round(lasting)
        record.held_back = held
        return True

    def _forget_ended(self, now: float) -> None:
        for key in [k for k, run in self._runs.items() if now - run.last_seen >= self.interval_s]:
            del self._runs[key]
