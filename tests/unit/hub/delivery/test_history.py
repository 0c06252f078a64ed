"""Replaying a recipient's history: only its own copies, marked so the delivery stage gives them again."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.delivery.history import replayed
from hub.delivery.served import REPLAY_DELIVERY_HEADER


@dataclass
class Record:
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def test_only_the_recipients_copies_are_sent_again_marked_as_a_replay() -> None:
    records = [Record(b"fin:2605", b"<a/>", [("hub-envelope", b"{}")]), Record(b"ihk:06411000", b"<b/>"),
               Record(b"fin:2605", None), Record(b"fin:2605", b"<c/>", [(REPLAY_DELIVERY_HEADER, b"1")])]
    outs = list(replayed(records, "fin:2605", "t.hub.delivery"))
    assert [(o.topic, o.key, o.value) for o in outs] == [("t.hub.delivery", b"fin:2605", b"<a/>"),
                                                         ("t.hub.delivery", b"fin:2605", b"<c/>")]
    assert outs[0].headers == [("hub-envelope", b"{}"), (REPLAY_DELIVERY_HEADER, b"1")]
    assert outs[1].headers == [(REPLAY_DELIVERY_HEADER, b"1")]  # marked once, however often it was replayed
