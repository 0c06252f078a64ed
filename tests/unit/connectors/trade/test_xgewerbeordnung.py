"""XGewerbeordnung 1.x: recognised by namespace; parked until its official XSDs are installed (HUB_SCHEMA_DIR), then
validated with them and routed with the roles of XGewerbeanzeige."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.behoerde import Addressee
from connectors.config import ConnectorConfig
from connectors.errors import SchemaNotInstalled, SchemaViolation, UnsupportedVersion
from connectors.reading import Reading
from connectors.secure_xml import parse_secure
from connectors.trade.connector import TradeConnector
from hub import pipeline
from hub.ingest.ordering import ordering_key
from hub.pipeline import Routing
from hub.routing.route import route
from hub.settings import Settings
from tests.support.trade_variants import in_namespace, without
from tests.support.xgewo_schemas import XGEWO_16, install_xgewerbeordnung_16


@pytest.fixture
def schema_dir(tmp_path: Path) -> Path:
    return install_xgewerbeordnung_16(tmp_path / "schemas")


@pytest.fixture(scope="module")
def gewerbeordnung(trade_samples: list[Path]) -> bytes:
    """The Anmeldung in Bensheim as XGewerbeordnung 1.6 sends it (namespace of 1.6, structure of its predecessor)."""
    return in_namespace(next(p for p in trade_samples if "anmeldung_bensheim" in p.name).read_bytes(), XGEWO_16)


def _read(data: bytes, settings: Settings, schema_dir: Path | None) -> Reading:
    connector = TradeConnector(ConnectorConfig(shared_dir=settings.shared_dir, schema_dir=schema_dir))
    return connector.read(parse_secure(data, max_bytes=1_000_000))


def test_without_its_xsds_the_message_is_parked_naming_the_setting(gewerbeordnung: bytes, settings: Settings) -> None:
    with pytest.raises(SchemaNotInstalled) as caught:
        _read(gewerbeordnung, settings, None)
    assert caught.value.detail.startswith("XGewerbeordnung 1.6 erkannt, Schema nicht installiert")
    assert "HUB_SCHEMA_DIR" in caught.value.detail and caught.value.code == "schema.not_installed"


def test_the_hub_parks_it_when_no_schema_folder_is_configured(gewerbeordnung: bytes) -> None:
    rejected = pipeline.rejection(gewerbeordnung, _caught(gewerbeordnung))
    assert rejected.code == "schema.not_installed" and rejected.http_status == 415
    assert "XGewerbeordnung 1.6 erkannt, Schema nicht installiert" in rejected.reason


def _caught(data: bytes) -> SchemaNotInstalled:
    with pytest.raises(SchemaNotInstalled) as caught:
        pipeline.read(data, max_bytes=1_000_000)  # the settings name no schema folder
    return caught.value


def test_with_its_xsds_installed_it_is_validated_and_routed_like_xgewerbeanzeige(
    gewerbeordnung: bytes, anmeldung_bensheim: bytes, settings: Settings, schema_dir: Path, routing: Routing,
) -> None:
    reading = _read(gewerbeordnung, settings, schema_dir)
    event = reading.envelope
    assert (event.standard, event.version) == ("XGewerbeordnung", "1.6")
    assert "offiziellen XSDs von XGewerbeordnung 1.6" in reading.summary["prüfumfang"]
    recipients = route(event, routing.directory, routing.rules, routing.catalogue)
    predecessor = route(pipeline.read(anmeldung_bensheim, max_bytes=10**6).envelope, routing.directory,
                        routing.rules, routing.catalogue)
    assert [(r.key, r.role, r.kind) for r in recipients] == [(r.key, r.role, r.kind) for r in predecessor]
    assert [r.topic for r in recipients] == [r.topic for r in predecessor]
    statistics = next(r for r in recipients if r.role == "statistik")
    copy = reading.derive(pipeline.addressee(statistics.authority, statistics.kind), ["**"])
    assert _read(copy, settings, schema_dir).envelope.attributes["empfaengerart"] == "sta"  # valid under the XSDs


def test_with_its_xsds_installed_an_invalid_message_is_refused(
    anmeldung_bensheim: bytes, settings: Settings, schema_dir: Path,
) -> None:
    broken = in_namespace(without(anmeldung_bensheim, "x:satz"), XGEWO_16)
    with pytest.raises(SchemaViolation) as caught:
        _read(broken, settings, schema_dir)
    assert caught.value.code == "schema.invalid" and "satz" in caught.value.detail


def test_a_version_outside_the_table_is_unsupported(gewerbeordnung: bytes, settings: Settings) -> None:
    with pytest.raises(UnsupportedVersion) as caught:
        _read(gewerbeordnung.replace(XGEWO_16.encode(), XGEWO_16.replace("1.6", "1.2").encode()), settings, None)
    assert "XGewerbeordnung 1.6" in caught.value.detail  # names the versions the hub reads


def test_copies_address_the_recipient_by_the_code_list_of_its_key(
    gewerbeordnung: bytes, settings: Settings, schema_dir: Path,
) -> None:
    copy = _read(gewerbeordnung, settings, schema_dir).derive(
        Addressee(key="azr:031300", name="Ausländerbehörde", codelist="urn:de:xauslaender:codelist:abhkennung",
                  codelist_version="64.0"), ["**"])
    assert b'listURI="urn:de:xauslaender:codelist:abhkennung"' in copy and b'listVersionID="64.0"' in copy


def test_a_business_keeps_its_case_and_order_across_both_standards(
    gewerbeordnung: bytes, anmeldung_bensheim: bytes, settings: Settings, schema_dir: Path, routing: Routing,
) -> None:
    successor = _read(gewerbeordnung, settings, schema_dir).envelope
    predecessor = pipeline.read(anmeldung_bensheim, max_bytes=10**6).envelope
    assert successor.case_id == predecessor.case_id
    assert ordering_key(successor, routing.directory).endswith(predecessor.attributes["gewerbebetrieb_id"])
