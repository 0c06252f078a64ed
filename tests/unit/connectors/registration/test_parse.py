"""The XMeld parser reads the three messages of a move and names the exact part that is missing or wrong."""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import etree

from connectors.errors import InvalidField, MissingField, SchemaViolation, UnknownMessageType, UnsupportedVersion
from connectors.registration.model import Meldenachricht
from connectors.registration.parse import parse_meldenachricht
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.unit.connectors.registration.xmeld_support import fields, nodes, remove, set_text, text

HEAD = "nachrichtenkopf/identifikation.nachricht"
# Where each kind carries the previous (Wegzug) and the new (Zuzug) municipality, read here with plain XPath.
PREVIOUS = {
    "anmeldung.datenanforderung": "x:betroffene/x:wegzugsanschrift/gemeindeschluessel/code",
    "anmeldung.datenbereitstellung": "//x:aktuelleWohnung//gemeindeschluessel/code",
    "rueckmeldung.anmeldunginland": "//x:wohnung.leser//gemeindeschluessel/code",
}
NEW = {
    "anmeldung.datenanforderung": "nachrichtenkopf/autor/behoerdenkennung/kennung/code",
    "anmeldung.datenbereitstellung": "nachrichtenkopf/leser/behoerdenkennung/kennung/code",
    "rueckmeldung.anmeldunginland": "//x:wohnung.autor//gemeindeschluessel/code",
}
KINDS = tuple(PREVIOUS)


def _parse(data: bytes, settings: Settings) -> Meldenachricht:
    return parse_meldenachricht(parse_secure(data, max_bytes=1_000_000), shared_dir=settings.shared_dir)


def _party(root: etree._Element, party: str) -> str:
    kennung = f"nachrichtenkopf/{party}/behoerdenkennung"
    return f"{text(root, f'{kennung}/praefix/code')}:{text(root, f'{kennung}/kennung/code')}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_sample_is_read_with_its_own_values(kind: str, xmeld_samples: dict[str, bytes],
                                                  settings: Settings) -> None:
    data = xmeld_samples[kind]
    root = etree.fromstring(data)
    meldung = _parse(data, settings)
    assert meldung.kind == kind
    assert meldung.root_element == etree.QName(root).localname
    assert meldung.nachrichten_uuid == text(root, f"{HEAD}/nachrichtenUUID")
    assert meldung.nachrichtentyp == text(root, f"{HEAD}/nachrichtentyp/code")
    assert meldung.erstellungszeitpunkt == datetime.fromisoformat(text(root, f"{HEAD}/erstellungszeitpunkt"))
    assert meldung.autor.dvdv == _party(root, "autor")
    assert meldung.leser.dvdv == _party(root, "leser")
    assert meldung.version == root.get("version")
    assert meldung.vorherige_gemeinde == text(root, PREVIOUS[kind])
    assert meldung.neue_gemeinde == text(root, NEW[kind])
    assert "xinneres" in meldung.validation_scope


def test_the_three_messages_describe_one_move(xmeld_samples: dict[str, bytes], settings: Settings) -> None:
    read = {kind: _parse(data, settings) for kind, data in xmeld_samples.items()}
    assert {(m.vorherige_gemeinde, m.neue_gemeinde) for m in read.values()} == {
        (read["anmeldung.datenanforderung"].leser.kennung, read["anmeldung.datenanforderung"].autor.kennung)
    }
    assert read["anmeldung.datenanforderung"].vorherige_gemeinde != read["anmeldung.datenanforderung"].neue_gemeinde


def test_rueckmeldung_occurred_at_is_the_registration_event(rueckmeldung: bytes, settings: Settings) -> None:
    root = etree.fromstring(rueckmeldung)
    event = datetime.fromisoformat(text(root, "//x:identifikation.ereignis/ereignis.zeitpunkt"))
    assert _parse(rueckmeldung, settings).occurred_at == event


def test_a_root_element_the_table_does_not_know_is_an_unknown_type(anforderung: bytes, settings: Settings) -> None:
    root = etree.fromstring(anforderung)
    code = text(root, f"{HEAD}/nachrichtentyp/code")
    root.tag = etree.QName(etree.QName(root).namespace, "rueckmeldung.anmeldungausland.0202").text
    with pytest.raises(UnknownMessageType) as info:
        _parse(etree.tostring(root), settings)
    assert "rueckmeldung.anmeldungausland.0202" in info.value.detail
    assert f"nachrichtentyp {code}" in info.value.detail
    assert info.value.field == "rueckmeldung.anmeldungausland.0202"
    assert info.value.message_id == text(root, f"{HEAD}/nachrichtenUUID")


def test_a_code_contradicting_the_element_is_invalid(anforderung: bytes, bereitstellung: bytes,
                                                     settings: Settings) -> None:
    other = text(etree.fromstring(bereitstellung), f"{HEAD}/nachrichtentyp/code")
    with pytest.raises(InvalidField) as info:
        _parse(set_text(anforderung, f"{HEAD}/nachrichtentyp/code", other), settings)
    assert info.value.field == f"{HEAD}/nachrichtentyp/code"
    assert other in info.value.detail
    assert etree.QName(etree.fromstring(anforderung)).localname in info.value.detail


def test_a_code_xmeld_does_not_define_is_reported_twice_over(anforderung: bytes, settings: Settings) -> None:
    with pytest.raises(InvalidField) as info:
        _parse(set_text(anforderung, f"{HEAD}/nachrichtentyp/code", "9999"), settings)
    assert any(isinstance(e, SchemaViolation) and e.field == f"{HEAD}/nachrichtentyp/code"
               for e in info.value.all_errors)


def test_an_xmeld_version_outside_the_table_is_unsupported(anforderung: bytes, settings: Settings) -> None:
    data = anforderung.replace(b"http://www.osci.de/xmeld243", b"http://www.osci.de/xmeld2511a")
    with pytest.raises(UnsupportedVersion) as info:
        _parse(data, settings)
    assert "xmeld2511a" in info.value.detail


@pytest.mark.parametrize("kind", KINDS)
def test_removing_the_previous_address_key_is_a_missing_field(kind: str, xmeld_samples: dict[str, bytes],
                                                               settings: Settings) -> None:
    key = PREVIOUS[kind].removesuffix("/code")
    with pytest.raises((MissingField, SchemaViolation)) as info:  # what the XSDs require is a SchemaViolation
        _parse(remove(xmeld_samples[kind], key), settings)
    if isinstance(info.value, SchemaViolation):  # the xinneres inland address requires it
        assert info.value.field is not None and "/anschrift.inland/" in info.value.field
        assert "erwartet: gemeindeschluessel" in info.value.detail
    else:  # optional in the XSDs (0300's wegzugsanschrift), required by the hub for routing
        assert kind == "anmeldung.datenanforderung"
        assert info.value.field is not None and info.value.field.endswith("gemeindeschluessel/code")
    assert len(info.value.all_errors) == 1  # schema check and extraction do not report the one gap twice


def test_the_previous_address_key_of_0300_is_named_by_path(anforderung: bytes, settings: Settings) -> None:
    with pytest.raises(MissingField) as info:
        _parse(remove(anforderung, PREVIOUS["anmeldung.datenanforderung"].removesuffix("/code")), settings)
    assert info.value.field == "betroffene/wegzugsanschrift/gemeindeschluessel/code"
    assert "bisherige Gemeinde" in info.value.detail


def test_a_malformed_municipality_key_is_invalid(rueckmeldung: bytes, settings: Settings) -> None:
    with pytest.raises(InvalidField) as info:
        _parse(set_text(rueckmeldung, PREVIOUS["rueckmeldung.anmeldunginland"], "0643"), settings)
    assert info.value.field is not None and info.value.field.endswith("wohnung.leser/anschrift/anschrift.inland/"
                                                                      "anschrift.inland/gemeindeschluessel/code")


def test_a_nebenwohnung_elsewhere_does_not_change_the_previous_municipality(bereitstellung: bytes,
                                                                            settings: Settings) -> None:
    root = etree.fromstring(bereitstellung)
    expected = text(root, PREVIOUS["anmeldung.datenbereitstellung"])
    wohnung = nodes(root, "//x:aktuelleWohnung")[0]
    second = etree.fromstring(etree.tostring(wohnung))
    for code in nodes(second, "x:statusderwohnung/code"):
        code.text = "2"  # Nebenwohnung
    for code in nodes(second, ".//gemeindeschluessel/code"):
        code.text = "06431011"
    wohnung.addnext(second)
    assert _parse(etree.tostring(root), settings).vorherige_gemeinde == expected


def test_persons_with_different_previous_municipalities_are_refused(bereitstellung: bytes,
                                                                    settings: Settings) -> None:
    root = etree.fromstring(bereitstellung)
    person = nodes(root, "x:zuziehende.person")[0]
    other = etree.fromstring(etree.tostring(person))
    for code in nodes(other, ".//x:aktuelleWohnung//gemeindeschluessel/code"):
        code.text = "06431011"
    person.addnext(other)
    with pytest.raises(InvalidField) as info:
        _parse(etree.tostring(root), settings)
    assert "verschiedene" in info.value.detail


def test_a_new_municipality_only_in_a_non_ags_header_key_is_missing(anforderung: bytes, settings: Settings) -> None:
    with pytest.raises(MissingField) as info:
        _parse(set_text(anforderung, "nachrichtenkopf/autor/behoerdenkennung/praefix/code", "meld"), settings)
    assert info.value.field == "nachrichtenkopf/autor/behoerdenkennung/kennung/code"
    assert "neue Gemeinde (Zuzug)" in info.value.detail


def test_the_answer_must_refer_to_a_request(bereitstellung: bytes, rueckmeldung: bytes, settings: Settings) -> None:
    wrong = text(etree.fromstring(rueckmeldung), f"{HEAD}/nachrichtentyp/code")
    with pytest.raises(InvalidField) as info:
        _parse(set_text(bereitstellung, "x:ursprungsnachricht/nachrichtentyp/code", wrong), settings)
    assert info.value.field == "ursprungsnachricht/nachrichtentyp/code"


def test_every_independent_error_is_reported(anforderung: bytes, settings: Settings) -> None:
    data = remove(anforderung, f"{HEAD}/nachrichtenUUID")
    data = remove(data, "x:anwenderkennung")
    with pytest.raises(SchemaViolation) as info:
        _parse(data, settings)
    found = {e.field: e.detail for e in info.value.all_errors}
    assert set(found) == {f"{HEAD}/nachrichtentyp", "betroffene"}  # each where the missing element was expected
    assert "erwartet: nachrichtenUUID" in found[f"{HEAD}/nachrichtentyp"]
    assert "erwartet: anwenderkennung" in found["betroffene"]
    assert {e.message_id for e in info.value.all_errors} == {None}  # the id itself is what is missing


def test_value_errors_of_a_valid_message_are_all_reported(anforderung: bytes, settings: Settings) -> None:
    data = remove(anforderung, PREVIOUS["anmeldung.datenanforderung"].removesuffix("/code"))  # optional here
    data = set_text(data, "nachrichtenkopf/autor/behoerdenkennung/kennung/code", "06431")  # no 8-digit AGS
    with pytest.raises(MissingField) as info:
        _parse(data, settings)
    assert set(fields(info.value)) == {"betroffene/wegzugsanschrift/gemeindeschluessel/code",
                                       "nachrichtenkopf/autor/behoerdenkennung/kennung/code"}
