"""Reading XPersonenstand messages: each sample and each register's requests and deliveries give the facts routing
and correlation need, checked against the tests' own XPath over the messages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from connectors.behoerde import Addressee
from connectors.civil_status.model import Attribute
from connectors.errors import ConnectorError, InvalidField, UnknownMessageType, UnsupportedVersion
from connectors.reading import Reading
from hub import pipeline
from tests.unit.connectors.civil_status import xps_support as build
from tests.unit.connectors.civil_status.xps_support import ENTRIES, HEAD, REGISTER_DIGITS, retype, text, with_header

Read = Callable[[bytes], Reading]


def _ident(root: etree._Element, part: str) -> str:
    return text(root, f"{HEAD}/identifikation.nachricht/{part}")


def test_the_paper_request_names_standesamt_portal_place_and_payment(paper_request: bytes, read: Read) -> None:
    root = etree.fromstring(paper_request)
    event = read(paper_request).envelope
    assert (event.standard, event.version, event.message_type) == ("XPersonenstand", "26.11", "081030")
    assert event.message_id == _ident(root, "nachrichtenUUID")
    assert event.kinds == ("urkundenanforderung", "urkundenanforderung.urkunden")
    assert event.author == text(root, f"{HEAD}/autor/kennung") == event.attributes[Attribute.PORTAL]
    assert event.reader == text(root, f"{HEAD}/leser/kennung") == event.attributes[Attribute.STANDESAMT]
    assert event.ags == event.reader.removeprefix("psw:")  # the Standesamt's seat
    assert event.attributes[Attribute.REGISTER] == "Geburt"
    assert event.attributes[Attribute.EREIGNISORT] == text(root, "/*/xps:kind/xps:geburtsort")
    assert event.attributes[Attribute.EREIGNISORT_FELD] == "kind/geburtsort"
    assert event.attributes[Attribute.BUCHUNGSREFERENZ] == text(
        root, "/*/xps:modalitaeten/xps:zahlungsinformationen/xps:buchungsreferenz")
    assert Attribute.ZUORDNUNG not in event.attributes  # 081030 has no zuordnung
    assert event.occurred_at.isoformat().startswith(_ident(root, "erstellungszeitpunkt")[:19])


def test_the_electronic_request_carries_the_portals_zuordnung(electronic_request: bytes, read: Read) -> None:
    root = etree.fromstring(electronic_request)
    event = read(electronic_request).envelope
    assert event.message_type == "081032"
    assert event.kinds == ("urkundenanforderung", "urkundenanforderung.elektronisch")
    assert event.attributes[Attribute.ZUORDNUNG] == text(root, "/*/xps:zuordnung")
    assert event.attributes[Attribute.BUCHUNGSREFERENZ] == text(
        root, "/*/xps:zahlungsinformationen/xps:zahlungsreferenz")


def test_the_delivery_is_filed_for_the_standesamt_that_wrote_it(delivery: bytes, electronic_request: bytes,
                                                                 read: Read) -> None:
    root = etree.fromstring(delivery)
    event = read(delivery).envelope
    assert event.message_type == "081033"
    assert event.kinds == ("urkundenlieferung", "urkundenlieferung.elektronisch")
    assert event.author == text(root, f"{HEAD}/autor/kennung") == event.attributes[Attribute.STANDESAMT]
    assert event.reader == text(root, f"{HEAD}/leser/kennung") == event.attributes[Attribute.PORTAL]
    assert event.ags == event.author.removeprefix("psw:")
    assert event.attributes[Attribute.ZUORDNUNG] == text(root, "/*/xps:zuordnung")
    assert Attribute.EREIGNISORT not in event.attributes and Attribute.BUCHUNGSREFERENZ not in event.attributes
    request = read(electronic_request).envelope
    assert event.attributes[Attribute.ANTRAGSTELLER] == request.attributes[Attribute.ANTRAGSTELLER]
    assert event.case_id != request.case_id  # correlation, not the connector, joins it to the request's case


@pytest.mark.parametrize("register", sorted(REGISTER_DIGITS))
def test_every_registers_request_and_delivery_is_read(register: str, electronic_request: bytes,
                                                      delivery: bytes, read: Read) -> None:
    digit = REGISTER_DIGITS[register]
    asked = read(build.electronic_request(electronic_request, register, place="Heppenheim")).envelope
    entry, place = ENTRIES[register]
    assert (asked.message_type, asked.attributes[Attribute.REGISTER]) == (f"08{digit}032", register)
    assert asked.attributes[Attribute.EREIGNISORT] == "Heppenheim"
    assert asked.attributes[Attribute.EREIGNISORT_FELD] == f"{entry}/{place}"
    delivered = read(build.delivery(delivery, register)).envelope
    assert (delivered.message_type, delivered.attributes[Attribute.REGISTER]) == (f"08{digit}033", register)


def test_no_name_place_or_contact_reaches_the_summary(xps_samples: dict[str, bytes], read: Read) -> None:
    for data in xps_samples.values():
        root = etree.fromstring(data)
        personal = {text(root, "/*/xps:antragsteller//xps:familienname/name"),
                    text(root, "/*/xps:antragsteller//xps:vorname/name"),
                    text(root, "/*/xps:antragsteller//xps:kommunikation[1]/kennung"),
                    text(root, "/*/xps:kind/xps:geburtsort"), text(root, "/*/xps:kind/xps:geburtsdatum")} - {""}
        reading = read(data)
        shown = " ".join(reading.summary.values())
        assert personal and not any(value in shown for value in personal)
        names = personal - {text(root, "/*/xps:kind/xps:geburtsort")}  # the place is an envelope fact on purpose
        assert not any(value in reading.envelope.model_dump_json() for value in names)


def test_a_portal_message_the_hub_does_not_read_is_named_as_such(electronic_request: bytes, read: Read) -> None:
    root = retype(electronic_request, "Geburt", "032")
    root.tag = "{http://xpsw.domap.de/xpsw2611}portal2StA.Geburt.081010"  # Geburtsanzeige: declared, not read here
    with pytest.raises(UnknownMessageType) as info:
        read(etree.tostring(root))
    assert info.value.field == "portal2StA.Geburt.081010"
    assert info.value.message_id == text(root, f"{HEAD}/identifikation.nachricht/nachrichtenUUID")


def test_another_xpersonenstand_version_is_recognised_but_unsupported(electronic_request: bytes) -> None:
    older = electronic_request.replace(b"http://xpsw.domap.de/xpsw2611", b"http://xpsw.domap.de/xpsw2605")
    with pytest.raises(UnsupportedVersion) as info:
        pipeline.read(older, max_bytes=10**6)
    assert "26.11" in info.value.detail


def test_a_nachrichtentyp_contradicting_the_root_is_refused(electronic_request: bytes, read: Read) -> None:
    root = etree.fromstring(electronic_request)
    code = root.find(".//nachrichtentyp/code")
    assert code is not None
    code.text = "081030"
    with pytest.raises(InvalidField) as info:
        read(etree.tostring(root))
    assert info.value.field == "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code"


@pytest.mark.parametrize(("kennung", "why"), [("dbs:06431002", "prefix psw"), ("psw:0643100", "8-digit AGS"),
                                               ("psw:STANDESAMTBENSHEIM", "8-digit AGS")])
def test_the_standesamt_must_be_keyed_by_its_seats_ags(electronic_request: bytes, delivery: bytes, read: Read,
                                                       kennung: str, why: str) -> None:
    for data, role in ((electronic_request, "leser"), (delivery, "autor")):
        with pytest.raises(ConnectorError) as info:
            read(with_header(data, role, kennung))
        errors = info.value.all_errors
        assert [e.field for e in errors] == [f"nachrichtenkopf.g2g/{role}/kennung"]
        assert why in errors[0].detail


def test_a_copy_is_addressed_to_its_recipient(electronic_request: bytes, read: Read) -> None:
    copy = etree.fromstring(read(electronic_request).derive(Addressee(key="psw:06431020", name="Standesamt Viernheim"),
                                                            ["**"]))
    assert text(copy, f"{HEAD}/leser/kennung") == "psw:06431020"
    assert text(copy, f"{HEAD}/leser/name") == "Standesamt Viernheim"
    assert text(copy, f"{HEAD}/autor/kennung") == text(etree.fromstring(electronic_request), f"{HEAD}/autor/kennung")
