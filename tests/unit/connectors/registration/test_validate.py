"""Validation as far as XMeld defines it: order, required parts, code lists and fixed values; xinneres leniently."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from connectors.errors import ConnectorError, MissingField, SchemaViolation
from connectors.reading import Reading
from connectors.registration.schema import load_schema
from connectors.registration.validate import validate
from connectors.registration.versions import VERSIONS
from hub.settings import Settings
from tests.unit.connectors.registration.xmeld_support import fields, nodes, remove, set_text

Read = Callable[[bytes], Reading]


def _errors(read: Read, data: bytes) -> ConnectorError:
    with pytest.raises(ConnectorError) as info:
        read(data)
    return info.value


def test_the_samples_conform_to_everything_xmeld_defines(xmeld_samples: dict[str, bytes], settings: Settings) -> None:
    for spec in VERSIONS.values():
        schema = load_schema(settings.shared_dir.joinpath(*spec.schema), spec.namespace)
        for data in xmeld_samples.values():
            assert validate(etree.fromstring(data), schema, spec.version) == []


def test_the_schema_is_scanned_once_per_process(settings: Settings) -> None:
    spec = next(iter(VERSIONS.values()))
    entry = settings.shared_dir.joinpath(*spec.schema)
    assert load_schema(entry, spec.namespace) is load_schema(entry, spec.namespace)


def test_a_missing_required_xmeld_element_is_named_by_path(read: Read, rueckmeldung: bytes) -> None:
    error = _errors(read, remove(rueckmeldung, "//x:identifikation.ereignis"))
    assert isinstance(error, MissingField)
    assert error.field == "umzugsverband/betroffener/identifikation.ereignis"


def test_a_missing_required_element_deep_in_an_xmeld_type(read: Read, bereitstellung: bytes) -> None:
    error = _errors(read, remove(bereitstellung, "//x:zuziehende.person/x:anfrageprofil"))
    assert "zuziehende.person/anfrageprofil" in fields(error)


def test_elements_out_of_order_are_a_schema_violation(read: Read, anforderung: bytes) -> None:
    root = etree.fromstring(anforderung)
    kennung = nodes(root, "x:anwenderkennung")[0]
    root.append(kennung)  # behind betroffene, where the XSD does not allow it
    error = _errors(read, etree.tostring(root))
    violations = [e for e in error.all_errors if isinstance(e, SchemaViolation)]
    assert [v.field for v in violations] == ["anwenderkennung"]
    assert violations[0].line is not None
    assert {e.message_id for e in error.all_errors} == {nodes(root, "//nachrichtenUUID")[0].text}


def test_an_element_xmeld_does_not_define_is_a_schema_violation(read: Read, anforderung: bytes) -> None:
    root = etree.fromstring(anforderung)
    betroffene = nodes(root, "x:betroffene")[0]
    etree.SubElement(betroffene, f"{{{etree.QName(root).namespace}}}hobby")
    error = _errors(read, etree.tostring(root))
    assert isinstance(error, SchemaViolation)
    assert error.field == "betroffene/hobby"


def test_a_code_outside_its_xmeld_code_list_is_named(read: Read, bereitstellung: bytes) -> None:
    error = _errors(read, set_text(bereitstellung, "//x:aktuelleWohnung/x:statusderwohnung/code", "9"))
    assert isinstance(error, SchemaViolation)
    assert error.field == "zuziehende.person/personendaten/aktuelleWohnung/statusderwohnung/code"
    assert "Code.Wohnungsstatus" in error.detail


def test_a_fixed_attribute_must_keep_its_value(read: Read, anforderung: bytes) -> None:
    root = etree.fromstring(anforderung)
    declared = str(root.get("version"))
    root.set("version", declared + ".9")
    error = _errors(read, etree.tostring(root))
    assert isinstance(error, SchemaViolation)
    assert error.field == "@version"
    assert declared in error.detail


def test_a_missing_required_attribute_is_named(read: Read, anforderung: bytes) -> None:
    root = etree.fromstring(anforderung)
    del root.attrib["produkt"]
    error = _errors(read, etree.tostring(root))
    assert isinstance(error, MissingField)
    assert error.field == "@produkt"


def test_xinneres_leaves_are_checked_for_presence_only(read: Read, anforderung: bytes) -> None:
    lenient = set_text(anforderung, "//teilbekanntesDatum/jahrMonatTag", "irgendwann im Frühjahr")
    root = etree.fromstring(lenient)
    leser = nodes(root, "nachrichtenkopf/leser")[0]
    etree.SubElement(leser, "unbekanntesXinneresElement").text = "x"
    reading = read(etree.tostring(root))
    assert "nur auf Vorhandensein" in reading.summary["validation_scope"]


def test_a_missing_xinneres_module_is_still_reported(read: Read, anforderung: bytes) -> None:
    error = _errors(read, remove(anforderung, "nachrichtenkopf/leser"))
    assert isinstance(error, MissingField)
    assert error.field == "nachrichtenkopf/leser"
