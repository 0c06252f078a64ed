"""What a token reads of a case: the messages its authorities sent or received; portals and clerks the whole case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hub.cases.access import readable

TIMELINE: list[dict[str, Any]] = [
    {"status": "received", "message_id": "m1", "author": "MELDID:06431020", "facts": {"reader": "ihk:06411000"}},
    {"status": "delivered", "message_id": "m1", "recipient": "xga:06431000"},
    {"status": "received", "message_id": "m2", "author": "MELDID:06431002", "facts": {"reader": "ihk:06411000"}},
    {"status": "delivered", "message_id": "m2", "recipient": "MELDID:06431020"},
    {"status": "received", "message_id": "m3", "author": "MELDID:06431002", "facts": {"reader": "ihk:06411000"}},
    {"status": "rejected", "message_id": "m4", "author": "MELDID:06431011"},
]


def _messages(entries: Sequence[Mapping[str, Any]]) -> set[Any]:
    return {e["message_id"] for e in entries}


def test_a_token_reads_the_messages_its_authorities_sent_or_received() -> None:
    viernheim = readable(TIMELINE, lambda a: a == "MELDID:06431020")
    assert _messages(viernheim) == {"m1", "m2"}  # its own notice and the one forwarded to it, not m3
    assert _messages(readable(TIMELINE, lambda a: a == "ihk:06411000")) == {"m1", "m2", "m3"}
    assert readable(TIMELINE, lambda a: a == "fin:2605") == []  # not its business at all


def test_the_sender_of_a_rejected_message_reads_its_rejection() -> None:
    assert _messages(readable(TIMELINE, lambda a: a == "MELDID:06431011")) == {"m4"}


def test_portals_and_clerks_of_a_party_read_the_whole_case() -> None:
    assert readable(TIMELINE, lambda _a: False, all_cases=True) == TIMELINE
    assert readable(TIMELINE, lambda a: a == "xga:06431000", clerk=True) == TIMELINE
    assert readable(TIMELINE, lambda a: a == "gba:06431020", clerk=True) == []  # a clerk elsewhere: nothing
