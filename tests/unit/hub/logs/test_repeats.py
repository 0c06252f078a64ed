"""Reconnect noise held back to one line per interval, saying the state and for how long it has lasted."""

from __future__ import annotations

import logging

from hub.logs.repeats import REPEATING, UNREACHABLE, RepeatFilter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _record(msg: str, *args: object, name: str = "aiokafka", level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def _marks(record: logging.LogRecord) -> tuple[object, ...]:
    return record.__dict__.get("state"), record.__dict__.get("lasting_s"), record.__dict__.get("held_back")


CONNECT = "Unable connect to node with id %s: %s"
METADATA = "Unable to update metadata from %s"


def test_the_first_line_passes_and_repeats_within_the_interval_are_held_back() -> None:
    clock = Clock()
    gate = RepeatFilter(interval_s=30, clock=clock)
    first = _record(CONNECT, 1, "refused")
    assert gate.filter(first)
    assert _marks(first) == (UNREACHABLE, 0, 0)
    passed = 0
    for _ in range(7500):  # 40 s of a broker outage, as the clients write it
        clock.now += 40 / 7500
        passed += gate.filter(_record(CONNECT, 1, "refused"))
    assert passed == 1


def test_after_the_interval_one_line_says_how_long_and_how_many() -> None:
    clock = Clock()
    gate = RepeatFilter(interval_s=30, clock=clock)
    assert gate.filter(_record(CONNECT, 1, "refused"))
    for _ in range(99):
        clock.now += 0.1
        assert not gate.filter(_record(METADATA, [1]))  # another wording of the same state shares the run
    clock.now = 1031.0
    line = _record(CONNECT, 1, "refused")
    assert gate.filter(line)
    assert _marks(line) == (UNREACHABLE, 31, 99)
    assert line.getMessage() == "Unable connect to node with id 1: refused"  # the fields say it, not the text


def test_a_run_ends_after_a_quiet_interval_and_the_next_one_starts_afresh() -> None:
    clock = Clock()
    gate = RepeatFilter(interval_s=30, clock=clock)
    assert gate.filter(_record(CONNECT, 1, "refused"))
    clock.now += 5
    assert not gate.filter(_record(CONNECT, 1, "refused"))
    clock.now += 30  # the broker was back for 30 s
    line = _record(CONNECT, 1, "refused")
    assert gate.filter(line)
    assert _marks(line)[1:] == (0, 0)


def test_other_repetitions_have_runs_of_their_own() -> None:
    clock = Clock()
    gate = RepeatFilter(interval_s=30, clock=clock)
    assert gate.filter(_record(CONNECT, 1, "refused"))
    other = _record("Commit of offsets rejected for group %s", "g", name="aiokafka.consumer")
    assert gate.filter(other) and _marks(other)[0] == REPEATING
    assert not gate.filter(_record("Commit of offsets rejected for group %s", "g", name="aiokafka.consumer"))


def test_info_lines_and_other_loggers_always_pass() -> None:
    gate = RepeatFilter(interval_s=30, clock=Clock())
    for _ in range(3):
        assert gate.filter(_record(CONNECT, 1, "refused", name="hub.events"))
        assert gate.filter(_record("Discovered coordinator %s", 1, level=logging.INFO))
        assert gate.filter(_record(CONNECT, 1, "refused", name="aiokafkaesque"))
    assert gate.filter(_record(CONNECT, 1, "refused", name="kafka.net.manager", level=logging.WARNING))
