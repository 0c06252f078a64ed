"""HubSession's case counts: a checkpoint counts only cases the worker has finished."""

from __future__ import annotations

from typing import Any, cast

from hub.bench.phases import HubSession
from hub.bench.tracker import Delivered, Tracker


def session_with(tracker: Tracker) -> HubSession:
    unused = cast(Any, None)
    return HubSession(load=unused, watcher=unused, tracker=tracker, expected={}, alive=lambda: True,
                      progress=lambda _line: None, drain_timeout_s=1.0)


def test_a_case_counts_as_handled_once_every_message_of_it_reached_every_recipient() -> None:
    tracker = Tracker()
    for message_id in ("a1", "a2", "b1", "c1"):
        tracker.expect(message_id, ["ihk", "xga"])
    session = session_with(tracker)
    session.case_messages = {"case-a": ["a1", "a2"], "case-b": ["b1"], "case-c": ["c1"]}
    for message_id, recipient in (("a1", "ihk"), ("a1", "xga"), ("a2", "ihk"), ("b1", "ihk"), ("b1", "xga"),
                                  ("c1", "xga")):
        tracker.observe(Delivered(message_id, recipient), at=1.0)

    assert session.handled_cases() == 1  # case-b; case-a still waits for a2 at xga, case-c for c1 at ihk
    assert session.in_progress() == 2  # a2 and c1

    tracker.observe(Delivered("a2", "xga"), at=2.0)
    assert (session.handled_cases(), session.in_progress()) == (2, 1)
