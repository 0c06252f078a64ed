"""Reading XBau messages: values as the samples hold them, one case per application, the municipality concerned."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from connectors.building.connector import BuildingConnector
from connectors.building.model import KERNMODUL_NAMESPACE, XBAU_NAMESPACE
from connectors.building.municipality import BUILDING_AUTHORITY_PREFIXES, ags_from_key
from connectors.building.parse import parse_xbau, recognise
from connectors.errors import InvalidField, MissingField, UnknownMessageType, UnknownStandard
from connectors.reading import Reading
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.unit.connectors.building.xbau_support import BEZUG, HEAD, node, remove, text
from topics.envelope import case_id_for

MAX = 1_000_000
IDENT = f"{HEAD}/identifikation.nachricht"


def _read(connector: BuildingConnector, data: bytes) -> Reading:
    return connector.read(parse_secure(data, max_bytes=MAX))


def _reference(root: etree._Element) -> str:
    """The application's reference as the message carries it, read without the connector."""
    return text(root, f"(/*/xbau:referenzAntragsservice/referenzAntragsservice | {BEZUG}/referenz)[1]")


def _expected_ags(root: etree._Element) -> str:
    """The plot's key if the message names one, else the 8-digit key of the building authority in the header."""
    plot = text(root, "(//*[local-name()='gemeindeschluessel']/code)[1]")
    if plot:
        return plot
    keys = [text(root, f"{HEAD}/{role}/kennung") for role in ("autor", "leser")]
    return next(k.split(":")[1] for k in keys if k.split(":")[0] in BUILDING_AUTHORITY_PREFIXES)


def test_every_sample_is_read_with_its_own_values(xbau_samples: list[Path], connector: BuildingConnector) -> None:
    for path in xbau_samples:
        data = path.read_bytes()
        root = etree.fromstring(data)
        kind, code = etree.QName(root).localname.rsplit(".", 1)
        event = _read(connector, data).envelope
        assert event.standard == "XBau" and event.version == "2.6"
        assert event.message_id == text(root, f"{IDENT}/nachrichtenUUID")
        assert event.message_type == code == text(root, f"{IDENT}/nachrichtentyp/code")
        assert event.kinds == (kind,)
        assert event.occurred_at == datetime.fromisoformat(text(root, f"{IDENT}/erstellungszeitpunkt"))
        assert event.author == text(root, f"{HEAD}/autor/kennung")
        assert event.reader == text(root, f"{HEAD}/leser/kennung")
        assert event.ags == _expected_ags(root)
        attributes = event.attributes
        assert attributes["referenz"] == _reference(root)
        assert attributes.get("vorgang", "") == text(root, f"{BEZUG}/vorgang")
        announced = text(root, f"{BEZUG}/vorgang") if kind == "prozessnachrichten.aktenzeichen" else ""
        assert attributes.get("aktenzeichen", "") == announced
        assert attributes.get("bezug_nachricht", "") == text(root, f"{BEZUG}/bezugNachricht/bn:nachrichtenUUID")
        assert attributes["bauaufsicht"] == next(k for k in (event.author, event.reader) if k.startswith("bab:"))
        assert ("status_code" in attributes) == (code == "1170")
        assert attributes.get("status_code", "") == text(root, "/*/statusAntragsportal/code")


def test_the_model_keeps_both_parties_and_the_reference(antrag: bytes, bescheid: bytes, settings: Settings) -> None:
    for data in (antrag, bescheid):
        root = etree.fromstring(data)
        nachricht = parse_xbau(parse_secure(data, max_bytes=MAX), settings.shared_dir)
        for role, party in (("autor", nachricht.autor), ("leser", nachricht.leser)):
            assert party.kennung == text(root, f"{HEAD}/{role}/kennung")
            assert party.name == text(root, f"{HEAD}/{role}/name")
            assert party.verzeichnisdienst == text(root, f"{HEAD}/{role}/verzeichnisdienst/code")
        assert nachricht.referenz == _reference(root)
    def parsed(data: bytes) -> str:
        return parse_xbau(parse_secure(data, max_bytes=MAX), settings.shared_dir).referenz_quelle

    assert parsed(antrag) == "referenzAntragsservice"
    assert parsed(bescheid) == "bezug"


def test_all_samples_share_the_case_of_the_application(
    xbau_samples: list[Path], antrag: bytes, connector: BuildingConnector,
) -> None:
    application = text(etree.fromstring(antrag), "/*/xbau:referenzAntragsservice/referenzAntragsservice")
    case_ids = {_read(connector, p.read_bytes()).envelope.case_id for p in xbau_samples}
    assert case_ids == {case_id_for("XBau", application)}


def test_a_message_without_reference_opens_a_case_of_its_own(
    aktenzeichen: bytes, connector: BuildingConnector,
) -> None:
    root = etree.fromstring(aktenzeichen)
    remove(root, f"{BEZUG}/referenz")
    event = _read(connector, etree.tostring(root)).envelope
    own = text(root, f"{IDENT}/nachrichtenUUID")
    assert event.case_id == case_id_for("XBau", own)
    assert "referenz" not in event.attributes and event.attributes["referenz_quelle"] == "nachrichtenUUID"
    assert event.attributes["vorgang"] == event.attributes["aktenzeichen"] == text(root, f"{BEZUG}/vorgang")


def test_references_are_normalised_so_uuids_match_whatever_their_case(
    aktenzeichen: bytes, status: bytes, connector: BuildingConnector,
) -> None:
    for data in (aktenzeichen, status):
        root = etree.fromstring(data)
        as_sent = _read(connector, data).envelope
        node(root, f"{BEZUG}/referenz").text = text(root, f"{BEZUG}/referenz").upper()
        node(root, f"{IDENT}/nachrichtenUUID").text = text(root, f"{IDENT}/nachrichtenUUID").upper()
        shouted = _read(connector, etree.tostring(root)).envelope
        assert shouted.attributes["referenz"] == as_sent.attributes["referenz"] == _reference(etree.fromstring(data))
        assert shouted.case_id == as_sent.case_id and shouted.message_id == as_sent.message_id


def test_a_status_naming_only_the_aktenzeichen_carries_it_for_correlation(
    status: bytes, connector: BuildingConnector,
) -> None:
    root = etree.fromstring(status)
    remove(root, f"{BEZUG}/referenz")
    event = _read(connector, etree.tostring(root)).envelope
    assert "referenz" not in event.attributes and "aktenzeichen" not in event.attributes  # a 1170 announces none
    assert event.attributes["vorgang"] == text(root, f"{BEZUG}/vorgang")
    assert event.attributes["bauaufsicht"] == event.author


def test_the_application_names_the_plots_municipality(antrag: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(antrag)
    event = _read(connector, antrag).envelope
    assert event.ags == text(root, "//xbau:baugrundstueck//xbau:gemeindeschluessel/code")
    assert event.attributes["ags_quelle"] == "baugrundstueck"


def test_without_a_plot_the_building_authoritys_key_decides(antrag: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(antrag)
    remove(root, "//xbau:gemeindeschluessel")
    event = _read(connector, etree.tostring(root)).envelope
    assert event.ags == text(root, f"{HEAD}/leser/kennung").split(":")[1]
    assert event.attributes["ags_quelle"] == "bauaufsicht"


def test_a_plot_key_that_is_no_ags_is_invalid(antrag: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(antrag)
    node(root, "//xbau:gemeindeschluessel/code").text = "0643"
    with pytest.raises(InvalidField) as caught:
        _read(connector, etree.tostring(root))
    assert caught.value.field is not None and caught.value.field.endswith("gemeindeschluessel/code")


@pytest.mark.parametrize(("key", "ags"), [
    ("06431002", "06431002"), ("06431", "06431000"), ("06", "06000000"), ("064", "06400000"),
    ("064310002002", "06431002"),
])
def test_authority_keys_are_read_as_ags(key: str, ags: str) -> None:
    assert ags_from_key(key, "kennung") == ags


@pytest.mark.parametrize("key", ["0643", "ABC", "0643100", "1234567890"])
def test_authority_keys_that_are_no_ags_are_invalid(key: str) -> None:
    with pytest.raises(InvalidField):
        ags_from_key(key, "kennung")


def test_no_plot_and_no_building_authority_leaves_the_municipality_unknown(
    aktenzeichen: bytes, connector: BuildingConnector,
) -> None:
    root = etree.fromstring(aktenzeichen)
    for role in ("autor", "leser"):
        kennung = node(root, f"{HEAD}/{role}/kennung")
        kennung.text = f"bet:{(kennung.text or '').split(':')[1]}"
    with pytest.raises(MissingField) as caught:
        _read(connector, etree.tostring(root))
    assert caught.value.field == "gemeindeschluessel"


def test_a_header_missing_entirely_names_every_missing_part(
    aktenzeichen: bytes, connector: BuildingConnector,
) -> None:
    root = etree.fromstring(aktenzeichen)
    remove(root, HEAD)  # optional in the XSD, so this is an extraction error
    with pytest.raises(MissingField) as caught:
        _read(connector, etree.tostring(root))
    fields = [e.field for e in caught.value.all_errors]
    assert fields == [
        "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtenUUID",
        "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code",
        "nachrichtenkopf.g2g/identifikation.nachricht/erstellungszeitpunkt",
        "nachrichtenkopf.g2g/autor",
        "nachrichtenkopf.g2g/leser",
    ]


def test_a_type_code_contradicting_the_root_is_invalid(aktenzeichen: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(aktenzeichen)
    node(root, f"{IDENT}/nachrichtentyp/code").text = "1120"
    with pytest.raises(InvalidField) as caught:
        _read(connector, etree.tostring(root))
    assert caught.value.field == "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code"
    assert caught.value.message_id == text(root, f"{IDENT}/nachrichtenUUID")


def test_a_kennung_that_is_no_dvdv_key_is_invalid(aktenzeichen: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(aktenzeichen)
    node(root, f"{HEAD}/autor/kennung").text = "Bauamt Kreis"
    with pytest.raises(InvalidField) as caught:
        _read(connector, etree.tostring(root))
    assert caught.value.field == "nachrichtenkopf.g2g/autor/kennung"


@pytest.mark.parametrize(("namespace", "root_name"), [
    (KERNMODUL_NAMESPACE, "prozessnachrichten.ruecknahme.1130"),
    (XBAU_NAMESPACE, "vorbescheid.bescheid.0215"),
    (XBAU_NAMESPACE, "verlaengerung.bescheid.0265"),
])
def test_other_xbau_messages_are_read_generically(
    aktenzeichen: bytes, bescheid: bytes, connector: BuildingConnector, namespace: str, root_name: str,
) -> None:
    root = etree.fromstring(aktenzeichen if namespace == KERNMODUL_NAMESPACE else bescheid)
    root.tag = f"{{{namespace}}}{root_name}"
    kind, code = root_name.rsplit(".", 1)
    node(root, f"{IDENT}/nachrichtentyp/code").text = code
    event = _read(connector, etree.tostring(root)).envelope
    assert event.kinds == (kind,) and event.message_type == code
    assert event.attributes["referenz"] == _reference(root)


def test_a_universal_application_with_only_a_header_is_read(aktenzeichen: bytes, connector: BuildingConnector) -> None:
    root = etree.fromstring(aktenzeichen)
    root.tag = f"{{{KERNMODUL_NAMESPACE}}}universellerAntrag.antrag.1200"
    node(root, f"{IDENT}/nachrichtentyp/code").text = "1200"
    remove(root, BEZUG)
    event = _read(connector, etree.tostring(root)).envelope
    assert event.kinds == ("universellerAntrag.antrag",)
    assert event.case_id == case_id_for("XBau", text(root, f"{IDENT}/nachrichtenUUID"))


def test_root_names_are_split_into_kind_and_code() -> None:
    for name, expected in (
        ("baugenehmigung.antrag.0200", ("baugenehmigung.antrag", "0200")),
        ("prozessnachrichten.rueckweisung.G2G.1100", ("prozessnachrichten.rueckweisung.G2G", "1100")),
        ("prozessnachrichten.aktenraum.anlegen.0150", ("prozessnachrichten.aktenraum.anlegen", "0150")),
    ):
        namespace = KERNMODUL_NAMESPACE if expected[1].startswith("1") else XBAU_NAMESPACE
        assert recognise(etree.Element(f"{{{namespace}}}{name}")) == expected
    with pytest.raises(UnknownMessageType):
        recognise(etree.Element(f"{{{XBAU_NAMESPACE}}}baugenehmigung"))
    with pytest.raises(UnknownStandard):
        recognise(etree.Element("{urn:other}baugenehmigung.antrag.0200"))


def test_foreign_namespaces_are_not_recognised(connector: BuildingConnector) -> None:
    assert not connector.recognises(etree.Element("{http://www.xgewerbeanzeige.de/spezifikation/2.1}x.0300"))
    assert not connector.recognises(etree.Element("baugenehmigung.antrag.0200"))
    assert connector.recognises(etree.Element(f"{{{XBAU_NAMESPACE}}}baugenehmigung.antrag.0200"))
    assert connector.recognises(etree.Element(f"{{{KERNMODUL_NAMESPACE}}}prozessnachrichten.aktenzeichen.1121"))
