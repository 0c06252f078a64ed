"""Strict validation of XMeld 2.4.3 with the official xinneres modules; only content typed by the five modules that
are not available is checked leniently, and the summary names those parts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from connectors.errors import ConnectorError, SchemaViolation
from connectors.reading import Reading
from connectors.registration import strict
from connectors.registration.versions import VERSIONS
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.unit.connectors.registration.xmeld_support import fields, nodes, remove, set_text

Read = Callable[[bytes], Reading]
SPEC = VERSIONS["2.4.3"]
MISSING_MODULES = {"allgemeinername/2", "auslandsanschrift/3", "azrnummer/1", "lichtbild/1", "rueckweisung/3"}


def _violations(read: Read, data: bytes) -> list[SchemaViolation]:
    with pytest.raises(ConnectorError) as info:
        read(data)
    found = list(info.value.all_errors)
    assert all(isinstance(e, SchemaViolation) and e.code == "schema.invalid" for e in found), found
    return [e for e in found if isinstance(e, SchemaViolation)]


def test_the_shared_samples_validate_strictly(xmeld_samples: dict[str, bytes], settings: Settings) -> None:
    schema = strict.compiled(SPEC, settings.shared_dir).schema
    for data in xmeld_samples.values():
        assert strict.strict_findings(parse_secure(data, max_bytes=1_000_000), schema) == []


def test_only_the_five_missing_modules_are_stood_in_for(settings: Settings) -> None:
    stood_in = strict.compiled(SPEC, settings.shared_dir).stand_ins
    assert {ns.removeprefix("http://www.osci.de/xinneres/") for ns in stood_in} == MISSING_MODULES


def test_the_schema_is_compiled_once_per_process(settings: Settings, schema_compiles: list[object]) -> None:
    strict._compile.cache_clear()
    first = strict.compiled(SPEC, settings.shared_dir)
    assert strict.compiled(SPEC, settings.shared_dir) is first and len(schema_compiles) == 1


def test_a_too_long_stockwerkswohnungsnummer_is_rejected_with_its_path(read: Read, bereitstellung: bytes) -> None:
    too_long = set_text(bereitstellung, "//stockwerkswohnungsnummer", "Dachgeschoss links")
    found = _violations(read, too_long)
    assert [e.field for e in found] == ["zuziehende.person/personendaten/aktuelleWohnung/anschrift/anschrift.inland/"
                                        "anschrift.inland/stockwerkswohnungsnummer"]
    assert "zu lang" in found[0].detail and "Dachgeschoss" not in found[0].detail
    line: object = nodes(etree.fromstring(too_long), "//stockwerkswohnungsnummer")[0].sourceline
    assert found[0].line == line


def test_xinneres_content_is_now_checked_strictly(read: Read, anforderung: bytes) -> None:
    found = _violations(read, set_text(anforderung, "//teilbekanntesDatum/jahrMonatTag", "irgendwann im Frühjahr"))
    assert [e.field for e in found] == ["betroffene/identifikation.person/geburt/geburtsdatum/teilbekanntesDatum/"
                                        "jahrMonatTag"]
    found = _violations(read, remove(anforderung, "nachrichtenkopf/leser"))
    assert fields(found[0]) == ["nachrichtenkopf/autor"]  # the element where the missing leser was expected
    assert "leser" in found[0].detail


def test_a_missing_required_xmeld_element_is_named(read: Read, rueckmeldung: bytes) -> None:
    found = _violations(read, remove(rueckmeldung, "//x:identifikation.ereignis"))
    assert found[0].path.startswith("umzugsverband/betroffener")
    assert "identifikation.ereignis" in found[0].detail


def test_elements_out_of_order_and_undeclared_are_reported(read: Read, anforderung: bytes) -> None:
    root = etree.fromstring(anforderung)
    root.append(nodes(root, "x:anwenderkennung")[0])  # behind betroffene, where the XSD does not allow it
    found = _violations(read, etree.tostring(root))
    assert [e.field for e in found] == ["betroffene"]  # where anwenderkennung was expected
    assert "anwenderkennung" in found[0].detail and found[0].line is not None
    assert found[0].message_id == nodes(root, "//nachrichtenUUID")[0].text
    root = etree.fromstring(anforderung)
    etree.SubElement(nodes(root, "x:betroffene")[0], f"{{{etree.QName(root).namespace}}}hobby")
    found = _violations(read, etree.tostring(root))
    assert [e.field for e in found] == ["betroffene/hobby"] and "nicht erlaubt" in found[0].detail


def test_codes_and_attributes_are_checked(read: Read, anforderung: bytes, bereitstellung: bytes) -> None:
    found = _violations(read, set_text(bereitstellung, "//x:aktuelleWohnung/x:statusderwohnung/code", "9"))
    assert [e.field for e in found] == ["zuziehende.person/personendaten/aktuelleWohnung/statusderwohnung/code"]
    root = etree.fromstring(anforderung)
    root.set("version", str(root.get("version")) + ".9")
    del root.attrib["produkt"]
    found = _violations(read, etree.tostring(root))
    assert {e.field for e in found} == {""}  # attributes of the root element
    assert any("produkt" in e.detail for e in found) and any("version" in e.detail for e in found)


def test_content_of_a_missing_module_is_lenient_and_named(read: Read, anforderung: bytes) -> None:
    root = etree.fromstring(anforderung)
    vornamen = nodes(root, "x:betroffene/x:identifikation.person/x:name/x:vornamen")
    assert vornamen
    etree.SubElement(vornamen[0], "irgendein.Element").text = "wird nicht geprüft"
    reading = read(etree.tostring(root))
    scope = reading.summary["prüfumfang"]
    assert scope.startswith("streng geprüft")
    assert "betroffene/identifikation.person/name/vornamen (xinneres allgemeinername/2)" in scope
