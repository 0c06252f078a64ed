"""Data minimisation (§ 14 GewO): each recipient receives a message of its own kind, addressed to it, with only what
its policy allows and everything the standard requires."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from hub import pipeline
from hub.pipeline import Delivery, Routing, plan
from tests.support.trade_variants import ABH_KENNUNG, as_kind, craft
from tests.support.xpath import nodes, text, texts

BIRTH = ("geburtsdatum", "geburtsort", "geburtsland")


def _deliveries(data: bytes, routing: Routing) -> dict[str, Delivery]:
    reading = pipeline.read(data, max_bytes=1_000_000)
    return {d.recipient.role: d for d in plan(data, reading, routing)}


def _canonical(element: etree._Element) -> bytes:
    """The element's content, ignoring comments and indentation."""
    clone = copy.deepcopy(element)
    for node in list(clone.iter(etree.Comment)):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    for node in clone.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(clone, method="c14n")


def test_every_policy_role_is_exercised(routing: Routing, anmeldung_bensheim: bytes) -> None:
    foreigners = as_kind(anmeldung_bensheim, "abh", "0500", "azr:031300", ABH_KENNUNG)
    roles = {role for data in (anmeldung_bensheim, craft(anmeldung_bensheim), foreigners)
             for role in _deliveries(data, routing)}
    trade_roles = {c for rule in routing.rules.rules if rule.standard == "XGewerbeanzeige"
                   for role in rule.recipients for c in routing.rules.concrete_roles(role)}
    assert trade_roles <= set(routing.rules.policies)
    assert trade_roles <= roles


def test_addressed_reader_gets_the_bytes_as_sent(routing: Routing, trade_samples: list[Path]) -> None:
    for path in trade_samples:
        data = path.read_bytes()
        reader = next(d for d in plan(data, pipeline.read(data, max_bytes=10**6), routing) if d.recipient.as_sent)
        assert reader.payload == data


def test_copies_are_readdressed_to_their_recipient(routing: Routing, anmeldung_bensheim: bytes) -> None:
    copies = [d for d in _deliveries(anmeldung_bensheim, routing).values() if not d.recipient.as_sent]
    assert copies
    for delivery in copies:
        leser = nodes(etree.fromstring(delivery.payload), "x:nachrichtenkopf/x:leser")[0]
        assert text(leser, ".//x:praefix/code") == delivery.recipient.authority.praefix
        assert text(leser, ".//x:kennung/code") == delivery.recipient.authority.kennung
        assert text(leser, "x:behoerdenname") == delivery.recipient.authority.name
        assert not nodes(leser, "x:erreichbarkeit | x:anschrift")
        assert delivery.envelope.recipient == delivery.recipient.key


def test_statistics_office_gets_its_own_message_type_without_birth_data_or_private_contact(
    routing: Routing, trade_samples: list[Path],
) -> None:
    for path in trade_samples:
        original = etree.fromstring(path.read_bytes())
        copy = etree.fromstring(_deliveries(path.read_bytes(), routing)["statistik"].payload)
        assert etree.QName(copy).localname == "sta.gewerbemeldung.0100"
        assert text(copy, "x:nachrichtenkopf/x:identifikation.nachricht/x:nachrichtentyp/code") == "0100"
        for name in (*BIRTH, "geschaeftsbezeichnung", "eingetragenerName"):
            assert not nodes(copy, f"//x:{name}"), name
        person = "x:satz//x:beteiligtePerson"
        assert not nodes(copy, f"{person}/x:anschrift | {person}/x:erreichbarkeit")
        assert not list(copy.iter(etree.Comment))
        payload = etree.tostring(copy, encoding="unicode")
        secrets = texts(original, f"//{person}/x:geburtsdatum/text() | //{person}/x:anschrift/x:strasse/text() | "
                                   f"//{person}/x:erreichbarkeit/x:kennung/text() | //x:geschaeftsbezeichnung/text() | "
                                   "//x:eingetragenerName/text()")
        assert secrets
        for secret in secrets:
            assert secret not in payload, secret
        # what statistics needs is still there, and the names every valid message carries
        assert texts(copy, "//x:taetigkeitSchluessel/text()") == texts(original, "//x:taetigkeitSchluessel/text()")
        assert text(copy, "//x:gemeindeSchluessel/code") == text(original, "//x:gemeindeSchluessel/code")
        for name in ("familienname", "vorname", "gemeindeMeldungNr"):
            assert texts(copy, f"//x:{name}/text()") == texts(original, f"//x:{name}/text()"), name


def test_trade_supervision_gets_names_but_no_birth_data_or_private_contact(routing: Routing,
                                                                           anmeldung_bensheim: bytes) -> None:
    original = etree.fromstring(anmeldung_bensheim)
    copy = etree.fromstring(_deliveries(anmeldung_bensheim, routing)["gewerbeaufsicht"].payload)
    for name in ("geburtsdatum", "geburtsort", "geburtsland", "staatangehoerigkeiten"):
        assert not nodes(copy, f"//x:{name}"), name
    assert not nodes(copy, "//x:beteiligtePerson/x:anschrift | //x:beteiligtePerson/x:erreichbarkeit")
    assert texts(copy, "//x:beteiligtePerson/x:familienname/text()") == \
        texts(original, "//x:beteiligtePerson/x:familienname/text()")
    assert _canonical(nodes(copy, "//x:gewerbe/x:anschrift")[0]) == \
        _canonical(nodes(original, "//x:gewerbe/x:anschrift")[0])


@pytest.mark.parametrize("role", ["finanzamt", "ihk", "hwk"])
def test_full_recipients_get_every_record_unchanged(routing: Routing, anmeldung_bensheim: bytes, role: str) -> None:
    data = anmeldung_bensheim
    if role == "hwk":
        data = craft(data)  # addressed to the IHK, so the chamber's copy is derived, not as sent
    deliveries = _deliveries(data, routing)
    delivery = deliveries[role]
    original = etree.fromstring(data)
    copy = etree.fromstring(delivery.payload)
    satz = [_canonical(s) for s in nodes(original, "x:satz")]
    assert [_canonical(s) for s in nodes(copy, "x:satz")] == satz
    if not delivery.recipient.as_sent:
        assert text(copy, "x:nachrichtenkopf/x:leser//x:kennung/code") == delivery.recipient.authority.kennung
        assert text(copy, "x:nachrichtenkopf/x:leser//x:praefix/code") == delivery.recipient.authority.praefix
