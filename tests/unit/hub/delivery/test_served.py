"""Delivery to pull inboxes and the one place that says "delivered": given once, acknowledged once."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.delivery.served import Attempt, MemoryServedState, ServedDelivery
from hub.inbox import state as inbox
from hub.ingest.records import Origin, Out
from topics.catalogue import Catalogue
from topics.envelope import Envelope, StatusEvent

CATALOGUE = Catalogue(prefix="t.")
IHK = "ihk:06411000"


def _envelope(message_id: str) -> Envelope:
    return Envelope(case_id="c-1", message_id=message_id, standard="XGewerbeanzeige", version="2.1",
                    message_type="0300", kinds=("anmeldung",), author="MELDID:06431002", reader=IHK, ags="06431002",
                    occurred_at=datetime(2026, 11, 1, tzinfo=UTC), recipient=IHK)


def _steps(outs: list[Out]) -> list[tuple[str, str | None]]:
    return [(e.status.value, e.message_id) for e in (StatusEvent.model_validate_json(o.value or b"") for o in outs)]


def test_a_copy_waits_in_the_inbox_once_however_often_it_arrives() -> None:
    stage, state = ServedDelivery(CATALOGUE), MemoryServedState()
    first = stage.offer(state, IHK, _envelope("M-1"), Origin("t.hub.delivery", 2, 40))
    again = stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 2, 40))  # ids are case-insensitive
    assert _steps(first) == [("delivered", "M-1")]
    assert _steps(again) == [("delivered", "m-1")]  # filed again: the first step may have been lost in a crash
    assert [w.message_id for w in inbox.page(state.inbox, IHK, None, 10)[0]] == ["M-1"]  # but waiting once
    assert state.given(IHK, "m-1")
    entry = inbox.find(state.inbox, IHK, "M-1")
    assert entry is not None and (entry.partition, entry.offset) == (2, 40)


def test_an_acknowledged_message_leaves_the_inbox_and_is_never_offered_again() -> None:
    stage, state = ServedDelivery(CATALOGUE), MemoryServedState()
    stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 1))
    assert _steps(stage.acknowledge(state, IHK, "m-1")) == [("accepted", "m-1")]
    assert stage.acknowledge(state, IHK, "m-1") == []
    assert inbox.find(state.inbox, IHK, "m-1") is None
    again = stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 1))  # processed again
    assert _steps(again) == [("delivered", "m-1"), ("accepted", "m-1")]
    assert inbox.find(state.inbox, IHK, "m-1") is None  # not offered again
    replayed = stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 9), replay=True)
    assert _steps(replayed) == [("delivered", "m-1")]  # `hub replay` asks for it on purpose


def test_the_inbox_lists_page_by_page_in_arrival_order() -> None:
    stage, state = ServedDelivery(CATALOGUE), MemoryServedState()
    for offset in (5, 12, 100, 1000, 1001):
        stage.offer(state, IHK, _envelope(f"m-{offset}"), Origin("t.hub.delivery", 0, offset))
    stage.offer(state, "fin:2605", _envelope("other"), Origin("t.hub.delivery", 0, 7))
    pages, cursor = [], None
    while True:
        waiting, cursor = inbox.page(state.inbox, IHK, cursor, 2)
        pages.append([w.message_id for w in waiting])
        if cursor is None:
            break
    assert pages == [["m-5", "m-12"], ["m-100", "m-1000"], ["m-1001"]]


def test_giving_up_parks_the_copy_once_with_the_last_error() -> None:
    stage = ServedDelivery(CATALOGUE)
    attempt = Attempt.first(_envelope("m-1"), "xga:06000000", Origin("t.hub.delivery", 3, 8)).model_copy(
        update={"attempts": 6, "last_error": "HTTP 503"})
    parked, failed = stage.give_up(b"<m/>", attempt)
    assert parked.topic == CATALOGUE.deadletter and parked.value == b"<m/>"
    assert stage.give_up(b"<m/>", attempt)[0].key == parked.key  # processed again: the same dead-letter id
    event = StatusEvent.model_validate_json(failed.value or b"")
    assert event.status == "failed" and "HTTP 503" in (event.reason or "") and event.recipient == "xga:06000000"


def test_a_copy_whose_inbox_entry_a_crash_lost_is_offered_again_once() -> None:
    stage, state = ServedDelivery(CATALOGUE), MemoryServedState()
    state.give(IHK, "m-1", "delivered")  # the mark survived, the inbox entry did not
    assert _steps(stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 4))) == [("delivered", "m-1")]
    stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 9))  # routed again: a second record
    assert [(w.message_id, w.offset) for w in inbox.page(state.inbox, IHK, None, 10)[0]] == [("m-1", 4)]


class RecordingInbox(inbox.MemoryInboxStore):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []

    def put(self, key: str, value: str) -> None:
        self.written.append(key)
        super().put(key, value)


def test_a_copy_processed_again_keeps_its_one_entry() -> None:
    """The local store holds only acknowledged writes, so an entry found there is on the changelog as well."""
    stage, state = ServedDelivery(CATALOGUE), MemoryServedState()
    store = RecordingInbox()
    state._inbox = store
    stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 4))
    assert len(store.written) == 2  # the entry and its index
    store.written.clear()
    again = stage.offer(state, IHK, _envelope("m-1"), Origin("t.hub.delivery", 0, 4))
    assert store.written == []
    assert _steps(again) == [("delivered", "m-1")]
