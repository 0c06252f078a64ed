"""Dead-letter depth for the metrics: folded like the listing, counted by reason and authority, payloads not kept."""

from __future__ import annotations

from hub.deadletter.depth import Summary, apply, tally
from hub.deadletter.store import UNREADABLE_HEADER, poll_available
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


class FakeConsumer:
    """One partition holding `records`; each poll hands out at most `per_poll` of them from the position on."""

    def __init__(self, records: list[Rec], per_poll: int) -> None:
        self.records, self.per_poll, self.at = records, per_poll, 0

    def end_offsets(self, partitions: list[str]) -> dict[str, int]:
        return {partitions[0]: len(self.records)}

    def position(self, partition: str) -> int:
        return self.at

    def poll(self, timeout_ms: int) -> dict[str, list[Rec]]:
        batch = self.records[self.at:self.at + self.per_poll]
        self.at += len(batch)
        return {"p0": batch} if batch else {}


def _numbered(count: int) -> list[Rec]:
    return [parked(dead_letter(f"id-{n}"), offset=n) for n in range(count)]


def test_polling_reads_up_to_the_end_offsets_taken_at_the_start() -> None:
    consumer = FakeConsumer(_numbered(5), per_poll=2)
    records, complete = poll_available(consumer, ["p0"], timeout_s=10)
    assert complete and [r.offset for r in records] == [0, 1, 2, 3, 4]


def test_polling_stops_at_the_deadline_and_says_so() -> None:
    consumer = FakeConsumer(_numbered(3), per_poll=0)  # a broker that hands out nothing
    assert poll_available(consumer, ["p0"], timeout_s=0.05) == ([], False)


def test_records_past_the_snapshot_are_kept_only_for_a_reader_that_reads_on() -> None:
    consumer = FakeConsumer(_numbered(3), per_poll=3)
    consumer.end_offsets = lambda partitions: {"p0": 2}  # type: ignore[method-assign]  # a record came meanwhile
    assert [r.offset for r in poll_available(consumer, ["p0"], timeout_s=10)[0]] == [0, 1]
    consumer.at = 0
    assert [r.offset for r in poll_available(consumer, ["p0"], timeout_s=10, keep_later=True)[0]] == [0, 1, 2]
