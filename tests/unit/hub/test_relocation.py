"""The Rückmeldeverfahren exchange: each office learns of the other's notification exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.correlation.relocation import Forward, Notice, exchange
from topics.envelope import Envelope


def _notice(message_id: str, office: str, kind: str = "anmeldung") -> Notice:
    event = Envelope(case_id="c", message_id=message_id, standard="XGewerbeanzeige", version="2.1",
                     message_type="0300", kinds=(kind,), author=office, reader="ihk:06411000",
                     ags=office.split(":")[1], occurred_at=datetime(2026, 11, 1, tzinfo=UTC))
    return Notice.of(event, f"<m id='{message_id}'/>".encode())


def _pairs(forwards: list[Forward]) -> set[tuple[str, str]]:
    return {(f.notice.message_id, f.office) for f in forwards}


def test_first_notice_forwards_nothing() -> None:
    known, forwards = exchange([], _notice("ab", "MELDID:06431020", "abmeldung"))
    assert forwards == [] and [n.message_id for n in known] == ["ab"]


def test_second_office_and_first_office_learn_of_each_other() -> None:
    known, _ = exchange([], _notice("ab", "MELDID:06431020", "abmeldung"))
    known, forwards = exchange(known, _notice("an", "MELDID:06431002"))
    assert _pairs(forwards) == {("an", "MELDID:06431020"), ("ab", "MELDID:06431002")}
    assert forwards[0].notice.payload == b"<m id='an'/>"


def test_a_notice_processed_again_repeats_its_own_forwards_and_changes_nothing() -> None:
    known, _ = exchange([], _notice("ab", "MELDID:06431020", "abmeldung"))
    known, first = exchange(known, _notice("an", "MELDID:06431002"))
    again, forwards = exchange(known, _notice("an", "MELDID:06431002"))
    assert again == known
    # after a crash between the state update and the forwards, re-processing must not lose the forwards
    assert _pairs(forwards) == _pairs(first) == {("an", "MELDID:06431020"), ("ab", "MELDID:06431002")}
    # the notice that caused nothing causes nothing when processed again
    _, none = exchange(known, _notice("ab", "MELDID:06431020", "abmeldung"))
    assert none == []


def test_a_further_notice_of_the_same_office_goes_to_the_other_only() -> None:
    known, _ = exchange([], _notice("ab", "MELDID:06431020", "abmeldung"))
    known, _ = exchange(known, _notice("an", "MELDID:06431002"))
    known, forwards = exchange(known, _notice("um", "MELDID:06431002", "ummeldung"))
    assert _pairs(forwards) == {("um", "MELDID:06431020")}


def test_notices_of_one_office_are_not_exchanged() -> None:
    known, _ = exchange([], _notice("an", "MELDID:06431002"))
    _, forwards = exchange(known, _notice("um", "MELDID:06431002", "ummeldung"))
    assert forwards == []
