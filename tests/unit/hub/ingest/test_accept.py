"""HTTP ingest as a decision: one ingest record keyed by ordering key, or a clear refusal, duplicate or conflict."""

from __future__ import annotations

from datetime import UTC, datetime

from hub import pipeline
from hub.app.web import read_or_error
from hub.ingest.accept import Accepted, Acceptor, Refused
from hub.ingest.ordering import ordering_key
from hub.ingest.records import ORIGIN_HEADER, RECEIVED_AT_HEADER, received_at
from hub.ingest.state import Seen
from hub.pipeline import Rejection, Routing
from topics.envelope import DEADLETTER_HEADER, DeadLetter, from_headers

LIMIT = 1_000_000
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _acceptor(routing: Routing) -> Acceptor:
    return Acceptor(routing, clock=lambda: NOON)


def test_an_accepted_message_is_one_ingest_record_keyed_by_its_ordering_key(routing: Routing,
                                                                            anmeldung_bensheim: bytes) -> None:
    reading = pipeline.read(anmeldung_bensheim, max_bytes=LIMIT)
    outcome, outs = _acceptor(routing).decide(anmeldung_bensheim, reading, sender=lambda _a: True)
    assert outcome == Accepted(reading.envelope.message_id, reading.envelope.case_id)
    assert len(outs) == 1
    record = outs[0]
    assert record.topic == routing.catalogue.trade_ingest and record.value == anmeldung_bensheim
    assert record.key == ordering_key(reading.envelope, routing.directory).encode()
    assert dict(record.headers)[ORIGIN_HEADER] == b"http"
    assert received_at(record.headers) == NOON and RECEIVED_AT_HEADER in dict(record.headers)


def test_a_caller_that_may_not_send_as_the_author_is_refused_and_nothing_is_written(
        routing: Routing, anmeldung_bensheim: bytes) -> None:
    reading = pipeline.read(anmeldung_bensheim, max_bytes=LIMIT)
    outcome, outs = _acceptor(routing).decide(anmeldung_bensheim, reading, sender=lambda _a: False)
    assert isinstance(outcome, Refused) and reading.envelope.author in outcome.reason and outs == []


def test_an_unreadable_message_is_parked_with_its_bytes_and_reason(routing: Routing) -> None:
    data = b"<xga:kaputt"
    outcome, outs = _acceptor(routing).decide(data, read_or_error(data, LIMIT), sender=lambda _a: True)
    assert isinstance(outcome, Rejection) and outcome.code == "xml.malformed" and outcome.http_status == 400
    parked = [o for o in outs if o.topic == routing.catalogue.deadletter]
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert parked[0].value == data and record is not None and record.origin == "http"


def test_a_routed_message_id_is_a_duplicate_for_its_author_and_a_conflict_for_anyone_else(
        routing: Routing, anmeldung_bensheim: bytes) -> None:
    reading = pipeline.read(anmeldung_bensheim, max_bytes=LIMIT)
    author = reading.envelope.author
    mine = Seen(author=author, case_id="the-first-case", origin="trade.ingest[0]@1")
    outcome, outs = _acceptor(routing).decide(anmeldung_bensheim, reading, sender=lambda _a: True,
                                              seen=lambda _k, _m: mine)
    assert outcome == Accepted(reading.envelope.message_id, "the-first-case", duplicate=True) and outs == []
    theirs = mine.model_copy(update={"author": "MELDID:06431011"})
    outcome, outs = _acceptor(routing).decide(anmeldung_bensheim, reading, sender=lambda _a: True,
                                              seen=lambda _k, _m: theirs)
    assert isinstance(outcome, Rejection) and outcome.http_status == 409 and outcome.code == "message.id_conflict"
    assert outcome.case_id != "the-first-case"  # reveals nothing of the other case
    assert [o.topic for o in outs] == [routing.catalogue.deadletter, routing.catalogue.status]
