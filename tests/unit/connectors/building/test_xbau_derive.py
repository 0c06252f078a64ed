"""Recipients' copies and the validate summary: re-addressed, minimised, and free of personal data."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from connectors.behoerde import Addressee
from connectors.building.connector import BuildingConnector
from connectors.secure_xml import parse_secure
from tests.unit.connectors.building.xbau_support import HEAD, node, nodes, text

MAX = 1_000_000
AUTHORITY = "bab:06431999"
NAME = "Bauaufsicht Beispielstadt"
# the plot and the procedure, but no applicant, architect, documents or header parties except the reader
KEEP = ("nachrichtenkopf.g2g/identifikation.nachricht", "referenzAntragsservice", "bauvorhaben/verortung")


def test_a_copy_is_addressed_to_its_recipient(xbau_samples: list[Path], connector: BuildingConnector) -> None:
    for path in xbau_samples:
        original = path.read_bytes()
        reading = connector.read(parse_secure(original, max_bytes=MAX))
        copy = etree.fromstring(reading.derive(Addressee(key=AUTHORITY, name=NAME), ["**"]))
        source = etree.fromstring(original)
        assert text(copy, f"{HEAD}/leser/kennung") == AUTHORITY
        assert text(copy, f"{HEAD}/leser/name") == NAME
        directory = f"{HEAD}/leser/verzeichnisdienst/code"
        assert text(copy, directory) == text(source, directory)
        assert not nodes(copy, f"{HEAD}/leser/erreichbarkeit")
        assert text(copy, f"{HEAD}/autor/kennung") == text(source, f"{HEAD}/autor/kennung")
        assert etree.QName(copy).text == etree.QName(source).text


def test_a_copy_keeps_only_its_policys_paths_and_its_reader(antrag: bytes, connector: BuildingConnector) -> None:
    reading = connector.read(parse_secure(antrag, max_bytes=MAX))
    copy = etree.fromstring(reading.derive(Addressee(key=AUTHORITY, name=NAME), KEEP))
    source = etree.fromstring(antrag)
    assert text(copy, f"{HEAD}/identifikation.nachricht/nachrichtenUUID") == reading.envelope.message_id
    assert text(copy, f"{HEAD}/leser/kennung") == AUTHORITY  # kept although no policy path names it
    assert not nodes(copy, f"{HEAD}/autor")
    for dropped in ("antragsteller", "empfangendeStelle", "anlagen", "bauvorhaben/xbau:beteiligte"):
        assert nodes(source, f"/*/xbau:{dropped}") and not nodes(copy, f"/*/xbau:{dropped}"), dropped
    assert text(copy, "//xbau:gemeindeschluessel/code") == text(source, "//xbau:gemeindeschluessel/code")
    assert text(copy, "/*/xbau:referenzAntragsservice/referenzAntragsservice") == \
        text(source, "/*/xbau:referenzAntragsservice/referenzAntragsservice")
    for name in nodes(source, "//familienname/name | //vorname/name"):
        assert (name.text or "") not in etree.tostring(copy, encoding="unicode")


def test_deriving_leaves_the_message_as_received(status: bytes, connector: BuildingConnector) -> None:
    tree = parse_secure(status, max_bytes=MAX)
    reading = connector.read(tree)
    before = etree.tostring(tree)
    first = reading.derive(Addressee(key=AUTHORITY, name=NAME), ["nachrichtenkopf.g2g"])
    assert etree.tostring(tree) == before
    assert reading.derive(Addressee(key=AUTHORITY, name=NAME), ["nachrichtenkopf.g2g"]) == first
    assert not list(etree.fromstring(first).iter(etree.Comment))  # comments are free text; always removed


def test_without_a_directory_name_the_key_names_the_reader(status: bytes, connector: BuildingConnector) -> None:
    reading = connector.read(parse_secure(status, max_bytes=MAX))
    copy = etree.fromstring(reading.derive(Addressee(key=AUTHORITY, name=None), ["**"]))
    assert text(copy, f"{HEAD}/leser/name") == AUTHORITY  # XBau requires leser/name


def test_the_summary_identifies_the_message_without_personal_data(
    xbau_samples: list[Path], connector: BuildingConnector,
) -> None:
    for path in xbau_samples:
        data = path.read_bytes()
        root = etree.fromstring(data)
        summary = connector.read(parse_secure(data, max_bytes=MAX)).summary
        assert etree.QName(root).localname in summary["nachrichtentyp"]
        assert summary.get("aktenzeichen", "") == text(root, "/*/*[local-name()='bezug']/vorgang")
        code = text(root, "/*/statusAntragsportal/code")
        assert summary.get("status", "").startswith(code)
        personal = [n.text or "" for n in nodes(root, "//familienname/name | //vorname/name | //kommunikation/kennung")]
        printed = " ".join(summary.values())
        assert not any(value and value in printed for value in personal)


def test_the_envelope_carries_the_readers_of_both_directions(antrag: bytes, bescheid: bytes,
                                                              connector: BuildingConnector) -> None:
    there = connector.read(parse_secure(antrag, max_bytes=MAX)).envelope
    back = connector.read(parse_secure(bescheid, max_bytes=MAX)).envelope
    assert there.author == back.reader and there.reader == back.author
    assert node(etree.fromstring(antrag), f"{HEAD}/leser/kennung").text == there.reader
