"""The reference index: every reference a message carries, normalised, one hit per case."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.cases.references import MAX_HITS, MESSAGE_ID, Hit, merge, normalise, references_of
from topics.envelope import Envelope


def _event(attributes: dict[str, str], message_id: str = "AB12-cd") -> Envelope:
    return Envelope(case_id="case-1", message_id=message_id, standard="XBau", version="2.6", message_type="1121",
                    kinds=("prozessnachrichten.aktenzeichen",), author="bab:06431000", reader="bap:06000000",
                    ags="06431002", occurred_at=datetime(2026, 10, 7, tzinfo=UTC), attributes=attributes)


def test_a_message_indexes_its_id_and_every_reference_attribute() -> None:
    refs = references_of(_event({"aktenzeichen": "63/BV/2026/01234", "vorgang": "63/BV/2026/01234",
                                 "referenz": "Ref-7", "bauaufsicht": "bab:06431000", "status_code": "14"}))
    found = {(r.key, r.hit.kind, r.hit.authority) for r in refs}
    assert found == {("ab12-cd", MESSAGE_ID, None), ("63/bv/2026/01234", "Aktenzeichen", "bab:06431000"),
                     ("ref-7", "referenzAntragsservice", "bab:06431000")}


def test_spelling_and_spacing_do_not_matter() -> None:
    assert normalise("  63/BV/2026/01234 ") == normalise("63/bv/2026/01234")
    assert normalise("18A0B2C4-58F7") == "18a0b2c4-58f7"


def test_hits_merge_per_case_kind_and_authority() -> None:
    first = Hit(case_id="c1", kind="gewerbebetriebID", authority="MELDID:06431020")
    other = Hit(case_id="c2", kind="gewerbebetriebID", authority="MELDID:06431002")
    hits = merge([], first)
    assert hits == [first] and merge(hits, first) is None  # indexed again: nothing to write
    assert merge(hits, other) == [first, other]


def test_a_reference_shared_by_very_many_cases_keeps_the_newest() -> None:
    hits: list[Hit] = []
    for number in range(MAX_HITS + 10):
        hits = merge(hits, Hit(case_id=f"c{number}", kind="gemeindeMeldungNr")) or hits
    assert len(hits) == MAX_HITS and hits[-1].case_id == f"c{MAX_HITS + 9}" and hits[0].case_id == "c10"
