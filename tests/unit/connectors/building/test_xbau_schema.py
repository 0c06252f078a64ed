"""XSD validation: every sample is valid, the schemas compile once per namespace, every error has line and path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from connectors.building import schema
from connectors.building.connector import BuildingConnector
from connectors.building.model import KERNMODUL_NAMESPACE, XBAU_NAMESPACE
from connectors.errors import ConnectorError, SchemaViolation, UnsupportedVersion
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.unit.connectors.building.xbau_support import HEAD, line_of, node, nodes, text

MAX = 1_000_000


def _tree(data: bytes) -> etree._ElementTree:
    return parse_secure(data, max_bytes=MAX)


def _violations(data: bytes, connector: BuildingConnector) -> tuple[SchemaViolation, ...]:
    with pytest.raises(SchemaViolation) as caught:
        connector.read(_tree(data))
    found = caught.value.all_errors
    assert all(isinstance(e, SchemaViolation) for e in found)
    return tuple(e for e in found if isinstance(e, SchemaViolation))


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Start from an empty schema cache, and leave it empty so no other test depends on this one's compiles."""
    schema.compile_schema.cache_clear()
    yield
    schema.compile_schema.cache_clear()


def test_every_sample_is_valid(xbau_samples: list[Path], settings: Settings) -> None:
    for path in xbau_samples:
        schema.validate(_tree(path.read_bytes()), settings.shared_dir)


def test_schemas_are_compiled_once_per_namespace(
    xbau_samples: list[Path], connector: BuildingConnector, schema_compiles: list[object], fresh_cache: None,
) -> None:
    namespaces = {etree.QName(etree.parse(str(p)).getroot()).namespace for p in xbau_samples}
    for _ in range(3):
        for path in xbau_samples:
            connector.read(_tree(path.read_bytes()))
    assert len(schema_compiles) == len(namespaces) == 2
    assert schema.compile_schema.cache_info().misses == 2
    for _ in range(2):
        for path in xbau_samples:
            connector.read(_tree(path.read_bytes()))
    assert schema.compile_schema.cache_info().misses == 2
    assert len(schema_compiles) == 2


def test_the_table_names_every_official_message_schema(settings: Settings) -> None:
    folder = settings.shared_dir / "xoev" / "xbau-2.6"
    official = {p.name for p in folder.glob("xbau-nachrichten-*.xsd")}
    official |= {"xbau-bauordnungsrechtlicheProzessnachrichten.xsd"}
    assert set(schema.MESSAGE_SCHEMAS[XBAU_NAMESPACE]) == official
    assert "xbau-nachrichten-baugenehmigung.xsd" in schema.MESSAGE_SCHEMAS[XBAU_NAMESPACE]
    assert "xbau-kernmodul-prozessnachrichten.xsd" in schema.MESSAGE_SCHEMAS[KERNMODUL_NAMESPACE]
    for names in schema.MESSAGE_SCHEMAS.values():
        for name in names:
            target = etree.parse(str(folder / name)).getroot().get("targetNamespace")
            assert isinstance(target, str) and target in schema.MESSAGE_SCHEMAS
            assert name in schema.MESSAGE_SCHEMAS[target]


def test_every_schema_error_is_reported_with_line_and_path(antrag: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(antrag)
    leser = node(root, f"{HEAD}/leser")
    leser.remove(node(leser, "name"))  # required by BehoerdeType
    etree.SubElement(node(root, HEAD), "unbekanntesElement")  # declared nowhere
    reference = node(root, "xbau:referenzAntragsservice/referenzAntragsservice")
    reference.text = "keine-uuid"  # breaks the UUID pattern
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    reparsed = etree.fromstring(data)
    expected = [
        (line_of(node(reparsed, f"{HEAD}/leser")), f"{HEAD.removeprefix('/*')}/leser"),
        (line_of(node(reparsed, f"{HEAD}/unbekanntesElement")), f"{HEAD.removeprefix('/*')}/unbekanntesElement"),
        (line_of(node(reparsed, "xbau:referenzAntragsservice/referenzAntragsservice")),
         "/xbau:referenzAntragsservice/referenzAntragsservice"),
    ]
    found = _violations(data, connector)
    assert len(found) == len(expected)
    for error, (line, path_end) in zip(found, expected, strict=True):
        assert error.code == "schema.invalid" and error.http_status == 422
        assert error.line == line
        assert error.path.endswith(path_end) and error.field == error.path
        assert f"Zeile {line}" in error.detail and error.path in error.detail
        assert error.message_id == text(reparsed, f"{HEAD}/identifikation.nachricht/nachrichtenUUID")
    assert "keine-uuid" not in " ".join(e.detail for e in found)  # values stay out of details (case timeline)


def test_process_messages_validate_against_the_kernmodul(status: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(status)
    assert etree.QName(root).namespace == KERNMODUL_NAMESPACE
    etree.SubElement(root, "fremd")
    found = _violations(etree.tostring(root), connector)
    assert len(found) == 1 and found[0].path.endswith("/fremd")


def test_schema_errors_come_before_extraction_errors(aktenzeichen: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(aktenzeichen)
    node(root, f"{HEAD}/identifikation.nachricht/nachrichtentyp/code").text = "9999"  # an extraction error ...
    etree.SubElement(root, "fremd")  # ... and a schema error
    with pytest.raises(ConnectorError) as caught:
        connector.read(_tree(etree.tostring(root)))
    assert {e.code for e in caught.value.all_errors} == {"schema.invalid"}


def test_an_undeclared_root_in_an_xbau_namespace_is_a_schema_error(
    aktenzeichen: bytes, connector: BuildingConnector,
) -> None:
    root = etree.fromstring(aktenzeichen)
    root.tag = f"{{{KERNMODUL_NAMESPACE}}}prozessnachrichten.erfunden.1199"
    data = etree.tostring(root)
    found = _violations(data, connector)
    assert len(found) == 1
    assert found[0].line == line_of(etree.fromstring(data))
    assert found[0].path == "/xbauk:prozessnachrichten.erfunden.1199"
    assert "no matching global declaration" in found[0].detail.lower()


def test_other_xbau_versions_are_recognised_but_unsupported(antrag: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(antrag.replace(b"http://www.xleitstelle.de/xbau/2/6", b"http://www.xleitstelle.de/xbau/2/5"))
    assert connector.recognises(root)
    with pytest.raises(UnsupportedVersion):
        connector.read(root.getroottree())


def test_the_official_schemas_import_only_local_files(settings: Settings) -> None:
    folder = settings.shared_dir / "xoev" / "xbau-2.6"
    for xsd in folder.glob("*.xsd"):
        for ref in nodes(etree.parse(str(xsd)).getroot(), "//*[local-name()='import' or local-name()='include']"):
            location = ref.get("schemaLocation")
            assert location is None or "://" not in location, (xsd.name, location)
