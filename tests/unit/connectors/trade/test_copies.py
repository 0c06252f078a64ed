"""Every copy the hub derives of a trade message is a valid message of its recipient's own kind (whole matrix)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.errors import ConnectorError
from hub import pipeline
from hub.pipeline import Delivery, Routing, plan
from hub.routing.route import route
from tests.support.trade_variants import craft, readdressed
from tests.support.xpath import nodes
from topics.envelope import RECIPIENT_KIND


def _copies(data: bytes, routing: Routing) -> list[Delivery]:
    copies = [d for d in plan(data, pipeline.read(data, max_bytes=10**6), routing) if not d.recipient.as_sent]
    assert copies
    return copies


def _matrix(trade_samples: list[Path]) -> list[tuple[str, bytes]]:
    """Every shared sample as sent and as a craft business (whose chamber is the Handwerkskammer), each addressed to
    the chamber as in the sample and to the trade supervision (so the chamber's copy is derived too)."""
    found = []
    for path in trade_samples:
        for business, variant in (("", path.read_bytes()), (" (Handwerk)", craft(path.read_bytes()))):
            found.append((f"{path.name}{business}", variant))
            found.append((f"{path.name}{business} an die Gewerbeaufsicht", readdressed(variant, "xga:06431000")))
    return found


def test_every_copy_passes_the_hubs_own_validation_and_fits_its_recipient(
    routing: Routing, trade_samples: list[Path],
) -> None:
    kinds = routing.rules.kinds_of("XGewerbeanzeige")
    assert kinds is not None
    seen: set[str] = set()
    for name, data in _matrix(trade_samples):
        for delivery in _copies(data, routing):
            where = f"{name} → {delivery.recipient.key}"
            try:
                reading = pipeline.read(delivery.payload, max_bytes=10**6)
            except ConnectorError as error:
                pytest.fail(f"{where}: {[str(e) for e in error.all_errors]}")
            copy = reading.envelope
            assert copy.reader == delivery.recipient.key, where
            assert copy.attributes[RECIPIENT_KIND] == kinds.of_role(delivery.recipient.role) == delivery.recipient.kind
            # routed as the hub routes incoming messages: its kind fits the role of the reader it names
            recipients = route(copy, routing.directory, routing.rules, routing.catalogue)
            assert recipients[0].key == delivery.recipient.key, where
            seen.add(delivery.recipient.role)
    assert {"gewerbeaufsicht", "ihk", "hwk", "finanzamt", "statistik"} <= seen


def test_a_copy_names_the_code_list_of_its_recipients_key(routing: Routing, trade_samples: list[Path]) -> None:
    for _name, data in _matrix(trade_samples):
        for delivery in _copies(data, routing):
            kennung = nodes(etree.fromstring(delivery.payload),
                            "x:nachrichtenkopf/x:leser/x:behoerdenkennung/x:kennung")[0]
            authority = delivery.recipient.authority
            assert kennung.get("listURI") == authority.codelist
            assert kennung.get("listVersionID") == authority.codelist_version


def test_copies_keep_what_every_message_must_carry(routing: Routing, trade_samples: list[Path]) -> None:
    """The parts the issue's receiving systems missed: Satz author, municipality number, names, business address,
    and the header author's address."""
    required = ("x:satz/*/x:autor", "x:satz/*/x:gemeindeMeldungNr", "x:satz/*/x:satzErstellung",
                "x:satz/*/x:gewerbe/x:anschrift", "x:satz/*/x:gewerbe/x:betriebArt",
                "x:satz/*/x:gewerbe/x:beteiligtePerson/x:familienname",
                "x:satz/*/x:gewerbe/x:beteiligtePerson/x:vorname", "x:nachrichtenkopf/x:autor/x:anschrift")
    for name, data in _matrix(trade_samples):
        original = etree.fromstring(data)
        for delivery in _copies(data, routing):
            copy = etree.fromstring(delivery.payload)
            for xpath in required:
                assert len(nodes(copy, xpath)) == len(nodes(original, xpath)) > 0, (name, delivery.recipient.key, xpath)
