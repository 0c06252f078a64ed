"""The ingest stage files a Standesamt's delivery in the case of the request it answers, and parks one that
answers nothing; a request and its delivery share an ordering key, so the lookup is local and in order."""

from __future__ import annotations

import pytest

from hub import pipeline
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Origin, Out
from hub.ingest.state import MemoryIngestState
from hub.pipeline import Routing
from hub.settings import Settings
from topics.envelope import DEADLETTER_HEADER, DeadLetter, StatusEvent, from_headers

LIMIT = 10_000_000


@pytest.fixture(scope="module")
def samples(settings: Settings) -> dict[str, bytes]:
    paths = sorted((settings.shared_dir / "samples" / "xpersonenstand").glob("*.xml"))
    return {p.name[:2]: p.read_bytes() for p in paths}


def _process(processor: IngestProcessor, data: bytes, routing: Routing, state: MemoryIngestState,
             offset: int) -> list[Out]:
    key = ordering_key(pipeline.read(data, max_bytes=LIMIT).envelope, routing.directory).encode()
    return processor.process(data, key, [], Origin("t.civilstatus.ingest", 0, offset), state)


def _statuses(outs: list[Out], routing: Routing) -> list[StatusEvent]:
    return [StatusEvent.model_validate_json(o.value or b"") for o in outs if o.topic == routing.catalogue.status]


def test_the_delivery_joins_the_case_of_the_request_it_answers(routing: Routing, samples: dict[str, bytes]) -> None:
    request, delivery = samples["02"], samples["03"]
    keys = {ordering_key(pipeline.read(d, max_bytes=LIMIT).envelope, routing.directory) for d in (request, delivery)}
    assert len(keys) == 1  # one applicant: one partition, so the request is known before its delivery
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    request_case = pipeline.read(request, max_bytes=LIMIT).envelope.case_id
    provisional = pipeline.read(delivery, max_bytes=LIMIT).envelope.case_id
    assert provisional != request_case  # the delivery alone does not say which case it belongs to
    _process(processor, request, routing, state, 0)
    outs = _process(processor, delivery, routing, state, 1)
    statuses = _statuses(outs, routing)
    assert {s.case_id for s in statuses if s.status in ("received", "validated", "routed")} == \
        {request_case, provisional}
    pointer = [s for s in statuses if s.case_id == provisional]
    assert len(pointer) == 1 and request_case in (pointer[0].reason or "")  # the Standesamt's answer points on
    portal = pipeline.read(request, max_bytes=LIMIT).envelope.author
    copies = [o for o in outs if o.topic == routing.catalogue.delivery]
    assert [o.key.decode() for o in copies] == [portal] and copies[0].value == delivery
    again = _process(processor, delivery, routing, state, 1)  # processed again after a crash: the same filing
    assert {s.case_id for s in _statuses(again, routing)} == {request_case, provisional}


def test_a_delivery_answering_no_open_request_is_parked(routing: Routing, samples: dict[str, bytes]) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    outs = _process(processor, samples["03"], routing, state, 0)
    parked = [o for o in outs if o.topic == routing.catalogue.deadletter]
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "correlation.no_open_request"
    assert not [o for o in outs if o.topic == routing.catalogue.delivery]


def test_a_delivery_from_a_standesamt_not_asked_is_parked(routing: Routing, samples: dict[str, bytes]) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    _process(processor, samples["02"], routing, state, 0)
    other = samples["03"].replace(b"06431002", b"06431020")  # the same delivery, as if from Standesamt Viernheim
    assert pipeline.read(other, max_bytes=LIMIT).envelope.author == "psw:06431020"
    outs = _process(processor, other, routing, state, 1)
    parked = [o for o in outs if o.topic == routing.catalogue.deadletter]
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "correlation.other_standesamt"
