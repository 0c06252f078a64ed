"""The registration connector: recognition, the event envelope, one case per move, a summary without personal data,
and copies re-addressed to their recipient."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from connectors.behoerde import Addressee
from connectors.reading import Connector, Reading
from connectors.registration.connector import RegistrationConnector
from hub.settings import Settings
from tests.unit.connectors.registration.xmeld_support import nodes, set_text, text
from topics.envelope import case_id_for

Read = Callable[[bytes], Reading]
HEAD = "nachrichtenkopf/identifikation.nachricht"
# Elements about the person; none of their text may reach a summary or an envelope.
PERSONAL = ("nachname", "name", "jahrMonatTag", "geburtsort", "strasse", "hausnummer", "postleitzahl", "wohnort",
            "seriennummer", "stockwerkswohnungsnummer", "anwenderkennung")


def test_it_is_a_connector(connector: RegistrationConnector) -> None:
    implements: Connector = connector
    assert implements.standard == "XMeld"


def test_recognises_xmeld_and_nothing_else(connector: RegistrationConnector, xmeld_samples: dict[str, bytes],
                                           settings: Settings) -> None:
    for data in xmeld_samples.values():
        assert connector.recognises(etree.fromstring(data))
    for other in (settings.shared_dir / "samples" / "xgewerbeanzeige").glob("*.xml"):
        assert not connector.recognises(etree.fromstring(other.read_bytes()))


def test_envelope_carries_routing_facts(read: Read, xmeld_samples: dict[str, bytes]) -> None:
    for kind, data in xmeld_samples.items():
        root = etree.fromstring(data)
        event = read(data).envelope
        assert event.standard == "XMeld"
        assert event.version == root.get("version")
        assert event.message_id == text(root, f"{HEAD}/nachrichtenUUID")
        assert event.message_type == text(root, f"{HEAD}/nachrichtentyp/code")
        assert event.kinds == (kind,)
        assert event.ags == event.attributes["neue_gemeinde"]
        assert set(event.attributes) == {"vorherige_gemeinde", "neue_gemeinde"}
        assert event.author == (f"{text(root, 'nachrichtenkopf/autor/behoerdenkennung/praefix/code')}:"
                                f"{text(root, 'nachrichtenkopf/autor/behoerdenkennung/kennung/code')}")


def test_request_and_answer_share_one_case(read: Read, anforderung: bytes, bereitstellung: bytes) -> None:
    request_id = text(etree.fromstring(anforderung), f"{HEAD}/nachrichtenUUID")
    assert text(etree.fromstring(bereitstellung), "x:ursprungsnachricht/nachrichtenUUID") == request_id
    assert read(anforderung).envelope.case_id == read(bereitstellung).envelope.case_id == \
        case_id_for("XMeld", request_id)


def test_a_reference_in_upper_case_still_joins_the_requests_case(read: Read, anforderung: bytes,
                                                                bereitstellung: bytes) -> None:
    """UUIDs are case-insensitive: a 0301 naming the 0300's nachrichtenUUID in upper case answers the same 0300."""
    request_id = text(etree.fromstring(anforderung), f"{HEAD}/nachrichtenUUID")
    shouted = set_text(bereitstellung, "x:ursprungsnachricht/nachrichtenUUID", request_id.upper())
    assert request_id.upper().encode() in shouted and request_id != request_id.upper()
    assert read(shouted).envelope.case_id == read(anforderung).envelope.case_id
    upper_request = set_text(anforderung, f"{HEAD}/nachrichtenUUID", request_id.upper())
    assert read(upper_request).envelope.case_id == read(anforderung).envelope.case_id
    assert read(upper_request).envelope.message_id == request_id


def test_rueckmeldung_carries_no_reference_to_the_request(read: Read, anforderung: bytes,
                                                          rueckmeldung: bytes) -> None:
    """XMeld 2.4.3 gives 0201 no bezug to 0300/0301; it opens its own case, named after its own nachrichtenUUID."""
    request_id = text(etree.fromstring(anforderung), f"{HEAD}/nachrichtenUUID")
    root = etree.fromstring(rueckmeldung)
    assert request_id.encode() not in rueckmeldung
    assert read(rueckmeldung).envelope.case_id == case_id_for("XMeld", text(root, f"{HEAD}/nachrichtenUUID"))


def test_a_resubmission_lands_in_the_same_case(read: Read, xmeld_samples: dict[str, bytes]) -> None:
    for data in xmeld_samples.values():
        assert read(data).envelope.case_id == read(data).envelope.case_id


def test_summary_names_the_message_and_no_person(read: Read, xmeld_samples: dict[str, bytes]) -> None:
    for kind, data in xmeld_samples.items():
        reading = read(data)
        root = etree.fromstring(data)
        assert reading.summary["art"] == kind
        assert reading.summary["bisherige Gemeinde"] == reading.envelope.attributes["vorherige_gemeinde"]
        assert reading.summary["neue Gemeinde"] == reading.envelope.ags
        assert "streng geprüft" in reading.summary["prüfumfang"] and "xinneres" in reading.summary["prüfumfang"]
        shown = " ".join(reading.summary.values()) + reading.envelope.model_dump_json()
        personal = {str(n.text).strip() for name in PERSONAL for n in nodes(root, f"//*[local-name()='{name}']")
                    if n.text and len(n.text.strip()) > 3}  # shorter ones (house numbers) occur in any timestamp
        assert personal
        assert not [value for value in personal if value in shown]


def test_derive_readdresses_and_minimises(read: Read, anforderung: bytes) -> None:
    copy = read(anforderung).derive(Addressee(key="bab:06431000", name="Kreis Bergstraße"),
                                    ["nachrichtenkopf/identifikation.nachricht"])
    root = etree.fromstring(copy)
    assert text(root, "nachrichtenkopf/leser/behoerdenkennung/praefix/code") == "bab"
    assert text(root, "nachrichtenkopf/leser/behoerdenkennung/kennung/code") == "06431000"
    assert text(root, "nachrichtenkopf/leser/behoerdenname") == "Kreis Bergstraße"
    assert text(root, f"{HEAD}/nachrichtenUUID") == text(etree.fromstring(anforderung), f"{HEAD}/nachrichtenUUID")
    assert [etree.QName(e).localname for e in root] == ["nachrichtenkopf"]
    assert [etree.QName(e).localname for e in nodes(root, "nachrichtenkopf/*")] == ["identifikation.nachricht",
                                                                                   "leser"]


def test_derive_keeps_what_the_policy_allows(read: Read, rueckmeldung: bytes) -> None:
    original = etree.fromstring(rueckmeldung)
    copy = etree.fromstring(read(rueckmeldung).derive(Addressee(key="ags:06431011", name=None), ["**"]))
    assert text(copy, "nachrichtenkopf/leser/behoerdenkennung/kennung/code") == "06431011"
    assert nodes(copy, "nachrichtenkopf/leser/behoerdenname") == []
    assert len(nodes(copy, "//*")) == len(nodes(original, "//*")) - len(nodes(original, "nachrichtenkopf/leser/*")) + 1
    assert not list(copy.iter(etree.Comment))


def test_derive_never_changes_the_original(read: Read, bereitstellung: bytes) -> None:
    reading = read(bereitstellung)
    reading.derive(Addressee(key="bab:06431000", name="Kreis Bergstraße"), [])
    again = etree.fromstring(reading.derive(Addressee(key="bab:06431000", name="Kreis Bergstraße"), ["**"]))
    original = etree.fromstring(bereitstellung)
    assert [etree.QName(e).localname for e in again] == [etree.QName(e).localname for e in original]
