"""Dead-letter depth for the metrics: folded like the listing, counted by reason and authority, payloads not kept."""

from __future__ import annotations

from hub.deadletter.depth import Summary, apply, tally
from hub.deadletter.store import UNREADABLE_HEADER
from monitoring.metrics import UNKNOWN
from tests.unit.hub.deadletter.fakes import Rec, dead_letter, parked

MAX_BYTES = 4 * 1024 * 1024


def test_counts_by_reason_and_the_failed_deliverys_recipient() -> None:
    items: dict[str, Summary] = {}
    apply(items, [
        parked(dead_letter("a", reason_code="delivery.failed", recipient="xga:06431000")),
        parked(dead_letter("b", reason_code="delivery.failed", recipient="xga:06431000"), offset=1),
        parked(dead_letter("c", reason_code="xml.malformed"), b"<kaputt", offset=2),
    ], max_bytes=MAX_BYTES)
    assert tally(items) == {("delivery.failed", "xga:06431000"): 2, ("xml.malformed", UNKNOWN): 1}
    assert all(isinstance(v, tuple) and len(v) == 2 for v in items.values())  # reason and authority, no payload


def test_without_recipient_the_messages_author_is_the_authority(anmeldung_bensheim: bytes) -> None:
    items: dict[str, Summary] = {}
    apply(items, [parked(dead_letter("r", reason_code="routing.unknown_authority"), anmeldung_bensheim)],
          max_bytes=MAX_BYTES)
    # the sample's nachrichtenkopf names the Gewerbeamt Bensheim (praefix MELDID, kennung 06431002) as its autor
    assert tally(items) == {("routing.unknown_authority", "MELDID:06431002"): 1}


def test_later_batches_replace_and_tombstones_remove_items() -> None:
    items: dict[str, Summary] = {}
    apply(items, [parked(dead_letter("a")), parked(dead_letter("b"), offset=1)], max_bytes=MAX_BYTES)
    apply(items, [Rec(b"a", None, offset=2), parked(dead_letter("b", reason_code="hub.internal_error"), offset=3)],
          max_bytes=MAX_BYTES)
    assert tally(items) == {("hub.internal_error", UNKNOWN): 1}
    apply(items, [Rec(b"b", None, offset=4), Rec(None, b"<x/>", offset=5)], max_bytes=MAX_BYTES)
    assert tally(items) == {}


def test_a_record_with_a_bad_header_still_counts() -> None:
    items: dict[str, Summary] = {}
    apply(items, [Rec(b"z", b"<x/>", [("hub-deadletter", b"{not json")])], max_bytes=MAX_BYTES)
    assert tally(items) == {(UNREADABLE_HEADER, UNKNOWN): 1}
