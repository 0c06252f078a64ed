"""The four certificate messages that must be parked, each as the dead-letter record the hub files for it: the reason
code, a German reason, the field concerned, and no personal data of the applicant or the registered person."""

from __future__ import annotations

import pytest
from lxml import etree

from connectors.errors import ConnectorError
from hub import pipeline
from hub.correlation.certificates import OpenRequest, correlate
from hub.pipeline import Routing
from hub.routing.errors import RoutingError
from hub.routing.route import route
from hub.settings import Settings
from tests.unit.connectors.civil_status import xps_support as build
from topics.envelope import DeadLetter

# personal data of the samples' applicant and registered person, which no reason may repeat
PERSONAL = ("Musterfrau", "Erika", "erika.musterfrau@example.org", "1964-08-12", "Beispiel")


@pytest.fixture(scope="module")
def samples(settings: Settings) -> dict[str, bytes]:
    paths = sorted((settings.shared_dir / "samples" / "xpersonenstand").glob("*.xml"))
    return {p.stem.split(".")[2].split("_")[0]: p.read_bytes() for p in paths}


def _parked(data: bytes, routing: Routing, requests: list[OpenRequest] | None = None,
            personal: tuple[str, ...] = PERSONAL) -> DeadLetter:
    """What the hub files for `data`: read, route and (for a delivery, given `requests`) correlate, as it does."""
    try:
        reading = pipeline.read(data, max_bytes=10**6)
    except ConnectorError as error:
        rejected = pipeline.rejection(data, error)
    else:
        event = reading.envelope
        try:
            route(event, routing.directory, routing.rules, routing.catalogue)
            if requests is not None:
                correlate(event, requests)
        except RoutingError as error:
            rejected = pipeline.rejection(data, error, event=event)
        else:
            pytest.fail("the message was not parked")
    record = pipeline.dead_letter(rejected, origin="civilstatus.ingest")
    shown = record.model_dump_json()
    assert not any(value in shown for value in personal), shown
    return record


def test_a_request_for_an_entry_in_another_standesamts_area(samples: dict[str, bytes], routing: Routing) -> None:
    record = _parked(build.with_place(samples["081032"], "Biblis"), routing, personal=(*PERSONAL, "Biblis"))
    assert record.reason_code == "routing.place_of_other_authority" and record.field == "kind/geburtsort"
    assert "Standesamt Bensheim (psw:06431002)" in record.reason
    assert "Standesamt Lampertheim (psw:06431013)" in record.reason  # Biblis belongs to its Standesamtsbezirk
    assert record.message_id == "eca98cfb-e8d9-48ea-95ed-47e2ae5bbe2d"


def test_a_schema_invalid_request_names_the_xsd_path(samples: dict[str, bytes], routing: Routing) -> None:
    root = etree.fromstring(samples["081032"])
    build.node(root, "/*/xps:kind/xps:geburtsdatum").text = "12.08.1964"
    record = _parked(etree.tostring(root), routing)
    assert record.reason_code == "schema.invalid"
    assert record.field == "/xps:portal2StA.Geburt.081032/xps:kind/xps:geburtsdatum"
    assert record.message_id == "eca98cfb-e8d9-48ea-95ed-47e2ae5bbe2d"


def test_a_delivery_that_matches_no_request(samples: dict[str, bytes], routing: Routing) -> None:
    other = OpenRequest.of(pipeline.read(samples["081032"], max_bytes=10**6).envelope).model_copy(
        update={"zuordnung": "PORTAL-AUFTRAG-2026-11-000099"})
    for requests in ([], [other]):
        record = _parked(samples["081033"], routing, requests)
        assert record.reason_code == "correlation.no_open_request"
        assert record.message_id == "8d0deb34-790e-4b02-84bd-b753a686dfb6"


def test_a_delivery_from_a_standesamt_that_was_not_asked(samples: dict[str, bytes], routing: Routing) -> None:
    asked = OpenRequest.of(pipeline.read(samples["081032"], max_bytes=10**6).envelope)
    record = _parked(build.with_header(samples["081033"], "autor", "psw:06431020"), routing, [asked])
    assert record.reason_code == "correlation.other_standesamt"
    assert record.field == "nachrichtenkopf.g2g/autor/kennung"
    assert "psw:06431020" in record.reason and "psw:06431002" in record.reason
