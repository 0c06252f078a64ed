"""Pull inbox as data: offered once, acknowledged once, never offered again."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.inbox.state import Inbox, acknowledge, offer
from topics.envelope import Envelope


def _envelope(message_id: str) -> Envelope:
    return Envelope(case_id="c", message_id=message_id, standard="XGewerbeanzeige", version="2.1",
                    message_type="0300", kinds=("anmeldung",), author="MELDID:06431002", reader="ihk:06411000",
                    ags="06431002", occurred_at=datetime(2026, 11, 1, tzinfo=UTC), recipient="ihk:06411000")


def test_offer_then_acknowledge() -> None:
    inbox = offer(Inbox(), _envelope("m1"), b"<a/>")
    inbox = offer(inbox, _envelope("m2"), b"<b/>")
    assert [w.message_id for w in inbox.waiting] == ["m1", "m2"]
    found = inbox.find("m2")
    assert found is not None and found.payload == b"<b/>"
    inbox, entry = acknowledge(inbox, "m1")
    assert entry is not None and entry.message_id == "m1"
    assert [w.message_id for w in inbox.waiting] == ["m2"] and inbox.acknowledged == ("m1",)


def test_an_acknowledged_message_is_never_offered_again() -> None:
    inbox, _ = acknowledge(offer(Inbox(), _envelope("m1"), b"<a/>"), "m1")
    assert offer(inbox, _envelope("m1"), b"<a/>") == inbox


def test_offering_twice_keeps_one_entry_and_unknown_ack_changes_nothing() -> None:
    inbox = offer(offer(Inbox(), _envelope("m1"), b"<a/>"), _envelope("m1"), b"<a/>")
    assert len(inbox.waiting) == 1
    assert acknowledge(inbox, "nope") == (inbox, None)


def test_listing_shows_no_content() -> None:
    listing = offer(Inbox(), _envelope("m1"), b"<geheim/>").waiting[0].listing()
    assert "geheim" not in str(listing) and listing["message_id"] == "m1"
