"""1170 portal status: labels as the statusbauportal code list gives them; codes outside it are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.building.connector import BuildingConnector
from connectors.building.status_labels import status_codelist, status_label
from connectors.errors import InvalidField, MissingField
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.unit.connectors.building.xbau_support import node, text

MAX = 1_000_000


def _lookup(codelist_file: Path, code: str) -> str:
    """The code's beschreibung, read straight from the genericode file."""
    row = f"//Row[Value[@ColumnRef='code']/SimpleValue = '{code}']"
    return text(etree.parse(str(codelist_file)), f"{row}/Value[@ColumnRef='beschreibung']/SimpleValue")


def _codes(codelist_file: Path) -> list[str]:
    result = etree.parse(str(codelist_file)).xpath("//Row/Value[@ColumnRef='code']/SimpleValue/text()")
    assert isinstance(result, list)
    return [str(code).strip() for code in result]


def test_the_status_samples_get_the_code_lists_labels(
    status_samples: list[Path], codelist_file: Path, connector: BuildingConnector,
) -> None:
    assert len(status_samples) == 3
    labels = set()
    for path in status_samples:
        code = text(etree.parse(str(path)), "/*/statusAntragsportal/code")
        attributes = connector.read(parse_secure(path.read_bytes(), max_bytes=MAX)).envelope.attributes
        expected = _lookup(codelist_file, code)
        assert expected
        assert attributes["status_code"] == code
        assert attributes["status_label"] == expected
        version = text(etree.parse(str(codelist_file)), "/*/Identification/Version")
        assert attributes["status_codelist_version"] == version
        labels.add(expected)
    assert len(labels) == 3


def test_every_code_of_the_list_has_its_label(codelist_file: Path, settings: Settings) -> None:
    codes = _codes(codelist_file)
    assert codes
    for code in codes:
        assert status_label(code, settings.shared_dir) == _lookup(codelist_file, code)
    codelist = status_codelist(settings.shared_dir)
    assert codelist.version == text(etree.parse(str(codelist_file)), "/*/Identification/Version")
    assert codelist.uri == text(etree.parse(str(codelist_file)), "/*/Identification/CanonicalUri")


def test_the_code_list_is_read_once(settings: Settings) -> None:
    assert status_codelist(settings.shared_dir) is status_codelist(settings.shared_dir)


def test_an_unknown_code_is_an_invalid_field_naming_it(
    status: bytes, codelist_file: Path, connector: BuildingConnector, settings: Settings,
) -> None:
    unknown = next(str(n) for n in range(100, 1000) if str(n) not in _codes(codelist_file))
    root = etree.fromstring(status)
    node(root, "/*/statusAntragsportal/code").text = unknown
    with pytest.raises(InvalidField) as caught:
        connector.read(parse_secure(etree.tostring(root), max_bytes=MAX))
    assert unknown in caught.value.detail
    assert caught.value.field == "statusAntragsportal/code"
    with pytest.raises(InvalidField):
        status_label(unknown, settings.shared_dir)


def test_a_status_from_another_code_list_is_invalid(status: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(status)
    node(root, "/*/statusAntragsportal").set("listURI", "urn:example:andere-liste")
    with pytest.raises(InvalidField) as caught:
        connector.read(parse_secure(etree.tostring(root), max_bytes=MAX))
    assert caught.value.field == "statusAntragsportal/@listURI"


def test_a_status_message_without_status_is_missing_it(status: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(status)
    status_element = node(root, "/*/statusAntragsportal")
    root.remove(status_element)  # optional in the XSD
    with pytest.raises(MissingField) as caught:
        connector.read(parse_secure(etree.tostring(root), max_bytes=MAX))
    assert caught.value.field == "statusAntragsportal/code"
