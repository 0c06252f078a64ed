"""Hub behaviour without a broker: what is written where, for valid, invalid and unroutable messages."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from connectors.reading import read_message
from hub import pipeline
from hub.correlation import relocation
from hub.correlation.relocation import Notice
from hub.pipeline import Routing
from hub.routing.route import route
from hub.service import Accepted, Hub, Origin
from topics.envelope import DEADLETTER_HEADER, ENVELOPE_HEADER, DeadLetter, Envelope, StatusEvent, from_headers

Record = tuple[str, bytes, bytes, list[tuple[str, bytes]]]


class Recorder:
    """Stands in for the Kafka producer: keeps every record in order."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    async def send(self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> None:
        self.records.append((topic, key, value, headers))

    def on(self, topic: str) -> list[Record]:
        return [r for r in self.records if r[0] == topic]

    def statuses(self, topic: str) -> list[StatusEvent]:
        return [StatusEvent.model_validate_json(r[2]) for r in self.on(topic)]


def _hub(routing: Routing) -> tuple[Hub, Recorder]:
    recorder = Recorder()
    return Hub(routing, recorder.send, max_bytes=1_000_000), recorder


def test_accept_stores_the_original_bytes_on_the_ingest_topic(routing: Routing, anmeldung_bensheim: bytes) -> None:
    hub, recorder = _hub(routing)
    outcome = asyncio.run(hub.accept(anmeldung_bensheim))
    assert isinstance(outcome, Accepted)
    ingest = recorder.on(routing.catalogue.trade_ingest)
    assert [r[2] for r in ingest] == [anmeldung_bensheim]
    assert [s.status for s in recorder.statuses(routing.catalogue.status)] == ["received"]
    # received is acknowledged before the ingest record, so the timeline can never start with validated
    assert recorder.records.index(ingest[0]) > 0


def test_process_delivers_to_every_recipient_and_files_each_step(routing: Routing, anmeldung_bensheim: bytes) -> None:
    hub, recorder = _hub(routing)
    asyncio.run(hub.process(anmeldung_bensheim, [], Origin("t", 0, 7)))
    statuses = recorder.statuses(routing.catalogue.status)
    delivered = [s.recipient for s in statuses if s.status == "delivered"]
    assert [s.status for s in statuses[:3]] == ["received", "validated", "routed"]
    expected = route(read_message(anmeldung_bensheim, max_bytes=10**6).envelope, routing.directory, routing.rules,
                     routing.catalogue)
    assert sorted(delivered) == sorted(r.key for r in expected)  # type: ignore[type-var]
    for recipient in delivered:
        assert recipient is not None
        records = recorder.on(routing.catalogue.outbound("XGewerbeanzeige", recipient))
        assert len(records) == 1
        envelope = from_headers(records[0][3], ENVELOPE_HEADER, Envelope)
        assert envelope is not None and envelope.recipient == recipient
        assert records[0][1] == envelope.case_id.encode()
    assert not recorder.on(routing.catalogue.deadletter)


def test_bad_record_is_parked_with_origin_and_the_next_one_flows(routing: Routing, anmeldung_bensheim: bytes) -> None:
    hub, recorder = _hub(routing)
    garbage = b"<xga:kaputt"
    asyncio.run(hub.process(garbage, [], Origin("trade.ingest", 2, 41)))
    asyncio.run(hub.process(anmeldung_bensheim, [], Origin("trade.ingest", 2, 42)))
    parked = recorder.on(routing.catalogue.deadletter)
    assert len(parked) == 1 and parked[0][2] == garbage
    record = from_headers(parked[0][3], DEADLETTER_HEADER, DeadLetter)
    assert record is not None
    origin = (record.reason_code, record.topic, record.partition, record.offset)
    assert origin == ("xml.malformed", "trade.ingest", 2, 41)
    statuses = recorder.statuses(routing.catalogue.status)
    assert statuses[0].status == "rejected" and statuses[0].case_id == record.case_id
    assert any(s.status == "delivered" for s in statuses)


def test_unroutable_message_is_parked_with_the_routing_reason(routing: Routing, anmeldung_bensheim: bytes) -> None:
    hub, recorder = _hub(routing)
    munich = anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>")
    asyncio.run(hub.process(munich, [], Origin("trade.ingest", 0, 1)))
    parked = recorder.on(routing.catalogue.deadletter)
    record = from_headers(parked[0][3], DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "routing.unknown_municipality"
    assert [s.status for s in recorder.statuses(routing.catalogue.status)][-1] == "rejected"


def test_unexpected_failure_parks_the_record_instead_of_stopping(routing: Routing, anmeldung_bensheim: bytes,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    hub, recorder = _hub(routing)

    def broken(*_args: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "plan", broken)
    asyncio.run(hub.process(anmeldung_bensheim, [], Origin("trade.ingest", 1, 5)))
    record = from_headers(recorder.on(routing.catalogue.deadletter)[0][3], DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "hub.internal_error" and record.offset == 5


def test_a_business_move_informs_each_trade_office_of_the_other(routing: Routing, trade_samples: list[Path]) -> None:
    hub, recorder = _hub(routing)
    abmeldung = next(p for p in trade_samples if "abmeldung" in p.name).read_bytes()
    ummeldung = next(p for p in trade_samples if "ummeldung" in p.name).read_bytes()
    events = {}
    for data in (abmeldung, ummeldung):
        asyncio.run(hub.process(data, [], Origin("trade.ingest", 0, 0)))
        events[data] = read_message(data, max_bytes=10**6).envelope
    assert events[abmeldung].case_id == events[ummeldung].case_id  # one case for the business
    betrieb_records = recorder.on(routing.catalogue.trade_betrieb)
    assert [r[2] for r in betrieb_records] == [abmeldung, ummeldung]
    assert {r[1] for r in betrieb_records} == {events[abmeldung].attributes["gewerbebetrieb_id"].encode()}

    known: list[Notice] = []
    for record in betrieb_records:
        known = asyncio.run(hub.exchange(record[2], record[3], known))
    old_office, new_office = events[abmeldung].author, events[ummeldung].author
    to_old = recorder.on(routing.catalogue.outbound("XGewerbeanzeige", old_office))
    to_new = recorder.on(routing.catalogue.outbound("XGewerbeanzeige", new_office))
    assert [r[2] for r in to_old] == [ummeldung] and [r[2] for r in to_new] == [abmeldung]
    informed = [s for s in recorder.statuses(routing.catalogue.status) if s.reason == relocation.REASON]
    assert {(s.recipient, s.message_id) for s in informed} == {(old_office, events[ummeldung].message_id),
                                                               (new_office, events[abmeldung].message_id)}
    # a replay of the same record informs nobody again
    before = len(recorder.records)
    assert asyncio.run(hub.exchange(betrieb_records[1][2], betrieb_records[1][3], known)) == known
    assert len(recorder.records) == before
