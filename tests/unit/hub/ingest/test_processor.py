"""The ingest stage without a broker: which records one ingest record causes, and that processing it twice is safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.reading import Reading
from hub import pipeline
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import HTTP_ORIGIN, ORIGIN_HEADER, Origin, Out
from hub.ingest.state import MemoryIngestState
from hub.pipeline import Routing
from hub.routing.route import route
from tests.support.trade_variants import naming_previous_location
from tests.support.xpath import nodes
from topics.envelope import DEADLETTER_HEADER, ENVELOPE_HEADER, DeadLetter, Envelope, StatusEvent, from_headers

LIMIT = 1_000_000
FIRST = Origin("trade.ingest", 0, 7)


def _authored_by(data: bytes, kennung: str) -> bytes:
    root = etree.fromstring(data)
    nodes(root, "x:nachrichtenkopf/x:autor/x:behoerdenkennung/x:kennung/code")[0].text = kennung
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _key(data: bytes, routing: Routing) -> bytes:
    return ordering_key(pipeline.read(data, max_bytes=LIMIT).envelope, routing.directory).encode()


def _statuses(outs: list[Out], routing: Routing) -> list[StatusEvent]:
    return [StatusEvent.model_validate_json(o.value or b"") for o in outs if o.topic == routing.catalogue.status]


def _on(outs: list[Out], topic: str) -> list[Out]:
    return [o for o in outs if o.topic == topic]


def _process(processor: IngestProcessor, data: bytes, routing: Routing, state: MemoryIngestState,
             origin: Origin = FIRST, key: bytes | None = None) -> list[Out]:
    return processor.process(data, key if key is not None else _key(data, routing), [], origin, state)


def test_a_message_gives_each_recipient_one_copy_on_the_delivery_stream(routing: Routing,
                                                                        anmeldung_bensheim: bytes) -> None:
    outs = _process(IngestProcessor(routing, max_bytes=LIMIT), anmeldung_bensheim, routing, MemoryIngestState())
    event = pipeline.read(anmeldung_bensheim, max_bytes=LIMIT).envelope
    expected = {r.key for r in route(event, routing.directory, routing.rules, routing.catalogue)}
    copies = _on(outs, routing.catalogue.delivery)
    assert {o.key.decode() for o in copies} == expected and len(copies) == len(expected)
    for copy in copies:  # keyed by recipient, addressed to it in the envelope header
        envelope = from_headers(copy.headers, ENVELOPE_HEADER, Envelope)
        assert envelope is not None and envelope.recipient == copy.key.decode()
        if envelope.recipient == event.reader:
            assert copy.value == anmeldung_bensheim  # the addressed reader: exactly as sent
    assert [s.status for s in _statuses(outs, routing)] == ["received", "validated", "routed"]
    assert not _on(outs, routing.catalogue.deadletter)


def test_the_same_record_processed_again_produces_the_same_records(routing: Routing,
                                                                   anmeldung_bensheim: bytes) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    first = _process(processor, anmeldung_bensheim, routing, state)
    again = _process(processor, anmeldung_bensheim, routing, state)  # after a crash before the offset commit
    assert [(o.topic, o.key, o.value) for o in _on(again, routing.catalogue.delivery)] == \
        [(o.topic, o.key, o.value) for o in _on(first, routing.catalogue.delivery)]
    assert [s.status for s in _statuses(again, routing)] == [s.status for s in _statuses(first, routing)]


def test_a_second_record_of_a_routed_message_is_a_duplicate(routing: Routing, anmeldung_bensheim: bytes) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    _process(processor, anmeldung_bensheim, routing, state, Origin("trade.ingest", 0, 7))
    assert _process(processor, anmeldung_bensheim, routing, state, Origin("trade.ingest", 0, 8)) == []


def test_a_message_id_used_by_another_author_is_parked_without_touching_the_first_case(
        routing: Routing, anmeldung_bensheim: bytes) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    owner_case = pipeline.read(anmeldung_bensheim, max_bytes=LIMIT).envelope.case_id
    _process(processor, anmeldung_bensheim, routing, state, Origin("trade.ingest", 0, 7))
    foreign = _authored_by(anmeldung_bensheim, "06431011")  # Heppenheim's trade office, same nachrichtenUUID
    assert pipeline.read(foreign, max_bytes=LIMIT).envelope.author == "MELDID:06431011"
    outs = _process(processor, foreign, routing, state, Origin("trade.ingest", 0, 8))
    parked = _on(outs, routing.catalogue.deadletter)
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "message.id_conflict" and parked[0].value == foreign
    assert not _on(outs, routing.catalogue.delivery)
    assert all(s.case_id != owner_case for s in _statuses(outs, routing))


def test_bad_record_is_parked_with_origin_and_the_next_one_flows(routing: Routing, anmeldung_bensheim: bytes) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    garbage = b"<xga:kaputt"
    outs = processor.process(garbage, b"x", [], Origin("trade.ingest", 2, 41), state)
    parked = _on(outs, routing.catalogue.deadletter)
    assert len(parked) == 1 and parked[0].value == garbage
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None
    assert (record.reason_code, record.topic, record.partition, record.offset) == \
        ("xml.malformed", "trade.ingest", 2, 41)
    assert [s.status for s in _statuses(outs, routing)] == ["rejected"]
    # processed again, it is parked under the same id, so the compacted dead-letter topic keeps it once
    again = processor.process(garbage, b"x", [], Origin("trade.ingest", 2, 41), state)
    assert _on(again, routing.catalogue.deadletter)[0].key == parked[0].key
    flows = _process(processor, anmeldung_bensheim, routing, state, Origin("trade.ingest", 2, 42))
    assert _on(flows, routing.catalogue.delivery)


def test_unroutable_message_is_parked_with_the_routing_reason(routing: Routing, anmeldung_bensheim: bytes) -> None:
    munich = anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>")
    outs = _process(IngestProcessor(routing, max_bytes=LIMIT), munich, routing, MemoryIngestState())
    record = from_headers(_on(outs, routing.catalogue.deadletter)[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "routing.unknown_municipality"
    assert [s.status for s in _statuses(outs, routing)] == ["received", "rejected"]


def test_unexpected_failure_parks_the_record_instead_of_stopping(routing: Routing, anmeldung_bensheim: bytes,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "plan", broken)
    outs = _process(IngestProcessor(routing, max_bytes=LIMIT), anmeldung_bensheim, routing, MemoryIngestState(),
                    Origin("trade.ingest", 1, 5))
    record = from_headers(_on(outs, routing.catalogue.deadletter)[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "hub.internal_error" and record.offset == 5


def test_a_record_under_another_key_moves_to_its_ordering_key(routing: Routing, anmeldung_bensheim: bytes) -> None:
    outs = _process(IngestProcessor(routing, max_bytes=LIMIT), anmeldung_bensheim, routing, MemoryIngestState(),
                    key=b"a-connector-s-own-key")
    assert outs == [Out("trade.ingest", _key(anmeldung_bensheim, routing), anmeldung_bensheim, [])]


def test_a_business_move_informs_each_trade_office_of_the_other(routing: Routing, trade_samples: list[Path]) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    abmeldung = next(p for p in trade_samples if "abmeldung" in p.name).read_bytes()
    old_place = pipeline.read(abmeldung, max_bytes=LIMIT).envelope.ags
    at_new_place = next(p for p in trade_samples if "ummeldung" in p.name).read_bytes()
    ummeldung = naming_previous_location(at_new_place, old_place)
    old_office = pipeline.read(abmeldung, max_bytes=LIMIT).envelope.author
    new_office = pipeline.read(ummeldung, max_bytes=LIMIT).envelope.author
    assert _key(abmeldung, routing) == _key(ummeldung, routing)  # one business: one ordering key, one partition
    first = _process(processor, abmeldung, routing, state, Origin("trade.ingest", 0, 1))
    second = _process(processor, ummeldung, routing, state, Origin("trade.ingest", 0, 2))
    assert not [o for o in _on(first, routing.catalogue.delivery) if o.key.decode() in (old_office, new_office)]
    old_case = {s.case_id for s in _statuses(first, routing)}
    assert {s.case_id for s in _statuses(second, routing) if s.status == "received"} == old_case  # one case
    forwarded = {o.key.decode(): o.value for o in _on(second, routing.catalogue.delivery)
                 if o.key.decode() in (old_office, new_office)}
    assert set(forwarded) == {old_office, new_office}
    for office, copy in forwarded.items():  # each office's own copy: addressed to it, valid by the hub's own rules
        envelope = pipeline.read(copy or b"", max_bytes=LIMIT).envelope
        assert envelope.reader == office
        assert envelope.message_id == pipeline.read(abmeldung if office == new_office else ummeldung,
                                                    max_bytes=LIMIT).envelope.message_id
    again = _process(processor, ummeldung, routing, state, Origin("trade.ingest", 0, 2))
    assert {o.key.decode(): o.value for o in _on(again, routing.catalogue.delivery)
            if o.key.decode() in (old_office, new_office)} == forwarded  # processed again: forwards not lost


def test_another_office_using_a_business_id_gets_a_case_of_its_own_and_nothing_of_the_others(
        routing: Routing, trade_samples: list[Path]) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    abmeldung = next(p for p in trade_samples if "abmeldung" in p.name).read_bytes()  # Viernheim's notice
    # Bensheim's notification carrying Viernheim's gewerbebetriebID, without naming Viernheim as previous place
    borrowed = next(p for p in trade_samples if "ummeldung" in p.name).read_bytes()
    first = _process(processor, abmeldung, routing, state, Origin("trade.ingest", 0, 1))
    second = _process(processor, borrowed, routing, state, Origin("trade.ingest", 0, 2))
    viernheim_case = {s.case_id for s in _statuses(first, routing)}
    assert not viernheim_case & {s.case_id for s in _statuses(second, routing)}
    viernheim = pipeline.read(abmeldung, max_bytes=LIMIT).envelope.author
    assert not [o for o in _on(second, routing.catalogue.delivery) if o.value == abmeldung]
    assert viernheim not in {o.key.decode() for o in _on(second, routing.catalogue.delivery)}


def test_a_message_the_api_accepted_is_not_validated_again(routing: Routing, anmeldung_bensheim: bytes) -> None:
    asked: list[bool] = []

    def read(data: bytes, validated: bool) -> Reading:
        asked.append(validated)
        return pipeline.read(data, max_bytes=LIMIT, validated=validated)

    processor, state = IngestProcessor(routing, max_bytes=LIMIT, read=read), MemoryIngestState()
    key = _key(anmeldung_bensheim, routing)
    processor.process(anmeldung_bensheim, key, [(ORIGIN_HEADER, HTTP_ORIGIN)], Origin("trade.ingest", 0, 1), state)
    processor.process(anmeldung_bensheim, key, [], Origin("trade.ingest", 0, 2), MemoryIngestState())
    assert asked == [True, False]  # from the API: validated there once; from a connector: validated here
