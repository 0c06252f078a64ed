"""XBau messages that name their application only by its Aktenzeichen join its case, once the building authority
announced it; before that they are parked, and processed again afterwards they join."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import pipeline
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Origin, Out
from hub.ingest.state import MemoryIngestState
from hub.pipeline import Routing
from hub.settings import Settings
from tests.support.messages import by_file_number_only
from topics.envelope import DEADLETTER_HEADER, DeadLetter, StatusEvent, from_headers

LIMIT = 10_000_000


@pytest.fixture(scope="module")
def xbau(settings: Settings) -> list[Path]:
    return sorted((settings.shared_dir / "samples" / "xbau").glob("*.xml"))


def _process(processor: IngestProcessor, data: bytes, routing: Routing, state: MemoryIngestState,
             offset: int) -> list[Out]:
    key = ordering_key(pipeline.read(data, max_bytes=LIMIT).envelope, routing.directory).encode()
    return processor.process(data, key, [], Origin("t.building.ingest", 0, offset), state)


def _received_cases(outs: list[Out], routing: Routing) -> set[str]:
    return {e.case_id for e in (StatusEvent.model_validate_json(o.value or b"") for o in outs
                                if o.topic == routing.catalogue.status) if e.status == "received"}


def test_the_samples_form_one_case_and_a_status_by_file_number_joins_it(routing: Routing, xbau: list[Path]) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    cases = set()
    for offset, path in enumerate(xbau):
        cases |= _received_cases(_process(processor, path.read_bytes(), routing, state, offset), routing)
    assert len(cases) == 1
    status = next(p for p in xbau if "status17" in p.name).read_bytes()
    stripped = by_file_number_only(status, "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    assert _received_cases(_process(processor, stripped, routing, state, 99), routing) == cases


def test_an_unannounced_file_number_is_parked_and_joins_when_processed_after_the_announcement(
        routing: Routing, xbau: list[Path]) -> None:
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    application, receipt, announcement = (p.read_bytes() for p in xbau[:3])
    application_case = _received_cases(_process(processor, application, routing, state, 0), routing)
    _process(processor, receipt, routing, state, 1)
    early = by_file_number_only(next(p for p in xbau if "status14" in p.name).read_bytes(),
                                "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
    parked = [o for o in _process(processor, early, routing, state, 2) if o.topic == routing.catalogue.deadletter]
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "correlation.unknown_aktenzeichen"
    assert "63/BV/2026/01234" in record.reason
    _process(processor, announcement, routing, state, 3)
    replayed = _process(processor, early, routing, state, 4)  # the operator's replay, a new ingest record
    assert _received_cases(replayed, routing) == application_case
