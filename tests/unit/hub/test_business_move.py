"""A sender-supplied gewerbebetriebID joins two notices to one move only when the authorities fit; the copy an office
receives in the Rückmeldeverfahren is derived like every other copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from hub import pipeline
from hub.correlation.business_move import forward_copy, is_move, reason_not_a_move
from hub.pipeline import Routing
from tests.support.trade_variants import naming_previous_location
from tests.support.xpath import nodes, text
from topics.envelope import Envelope

VIERNHEIM, BENSHEIM, HEPPENHEIM = "06431020", "06431002", "06431011"


def _sample(trade_samples: list[Path], part: str) -> bytes:
    return next(p for p in trade_samples if part in p.name).read_bytes()


@pytest.fixture(scope="module")
def abmeldung_viernheim(trade_samples: list[Path]) -> Envelope:
    """The old office's notice: Viernheim's Abmeldung because the business moves."""
    return pipeline.read(_sample(trade_samples, "abmeldung_viernheim"), max_bytes=10**6).envelope


@pytest.fixture(scope="module")
def bensheim_naming_viernheim(trade_samples: list[Path]) -> Envelope:
    """The notice at the new office (Bensheim), naming Viernheim as the previous location."""
    data = naming_previous_location(_sample(trade_samples, "viernheim-nach-bensheim"), VIERNHEIM)
    return pipeline.read(data, max_bytes=10**6).envelope


def _as(event: Envelope, attributes: dict[str, str] | None = None, **changes: object) -> Envelope:
    return event.model_copy(update={**changes, "attributes": {**event.attributes, **(attributes or {})}})


def test_the_notice_at_the_new_office_names_the_previous_location(bensheim_naming_viernheim: Envelope) -> None:
    assert bensheim_naming_viernheim.attributes["vorherige_gemeinde"] == VIERNHEIM
    assert bensheim_naming_viernheim.ags == BENSHEIM


def test_a_real_move_is_recognised_in_either_order(abmeldung_viernheim: Envelope, bensheim_naming_viernheim: Envelope,
                                                   routing: Routing) -> None:
    directory = routing.directory
    assert is_move(abmeldung_viernheim, bensheim_naming_viernheim, directory)
    assert is_move(bensheim_naming_viernheim, abmeldung_viernheim, directory)
    assert reason_not_a_move(abmeldung_viernheim, bensheim_naming_viernheim, directory) is None


def test_the_shared_samples_alone_do_not_prove_a_move(trade_samples: list[Path], abmeldung_viernheim: Envelope,
                                                      routing: Routing) -> None:
    """Sample 02 shares the business id with 03 but names no previous location: the id proves nothing."""
    at_bensheim = pipeline.read(_sample(trade_samples, "viernheim-nach-bensheim"), max_bytes=10**6).envelope
    assert not is_move(abmeldung_viernheim, at_bensheim, routing.directory)
    reason = reason_not_a_move(abmeldung_viernheim, at_bensheim, routing.directory)
    assert reason is not None and "bisherige Betriebsstätte" in reason


def test_another_office_carrying_a_foreign_business_id_is_no_move(trade_samples: list[Path],
                                                                  routing: Routing) -> None:
    """The attack: Viernheim's office files a notice of its own carrying Bensheim's gewerbebetriebID."""
    bensheim = pipeline.read(_sample(trade_samples, "anmeldung_bensheim"), max_bytes=10**6).envelope
    viernheim = pipeline.read(_sample(trade_samples, "abmeldung_viernheim"), max_bytes=10**6).envelope
    attacker = _as(viernheim, attributes={"gewerbebetrieb_id": bensheim.attributes["gewerbebetrieb_id"]})
    assert not is_move(bensheim, attacker, routing.directory)
    assert not is_move(attacker, bensheim, routing.directory)


def test_a_notice_filed_by_an_office_for_another_municipality_is_no_move(
    abmeldung_viernheim: Envelope, bensheim_naming_viernheim: Envelope, routing: Routing,
) -> None:
    heppenheim_for_bensheim = _as(bensheim_naming_viernheim, author=f"MELDID:{HEPPENHEIM}")
    assert not is_move(abmeldung_viernheim, heppenheim_for_bensheim, routing.directory)
    reason = reason_not_a_move(abmeldung_viernheim, heppenheim_for_bensheim, routing.directory)
    assert reason is not None and f"MELDID:{HEPPENHEIM}" in reason


def test_other_business_same_office_or_wrong_previous_place_is_no_move(
    abmeldung_viernheim: Envelope, bensheim_naming_viernheim: Envelope, routing: Routing,
) -> None:
    directory = routing.directory
    other = _as(bensheim_naming_viernheim, attributes={"gewerbebetrieb_id": "0b3c9a52-0000-4000-8000-000000000001"})
    assert not is_move(abmeldung_viernheim, other, directory)
    elsewhere = _as(bensheim_naming_viernheim, attributes={"vorherige_gemeinde": HEPPENHEIM})
    assert not is_move(abmeldung_viernheim, elsewhere, directory)
    assert not is_move(bensheim_naming_viernheim, bensheim_naming_viernheim, directory)


def test_business_ids_are_compared_case_insensitively(abmeldung_viernheim: Envelope,
                                                      bensheim_naming_viernheim: Envelope, routing: Routing) -> None:
    shouted = _as(bensheim_naming_viernheim,
                  attributes={"gewerbebetrieb_id": bensheim_naming_viernheim.attributes["gewerbebetrieb_id"].upper()})
    assert is_move(abmeldung_viernheim, shouted, routing.directory)


def test_the_forwarded_copy_is_addressed_to_the_office_and_valid(trade_samples: list[Path], routing: Routing) -> None:
    original = naming_previous_location(_sample(trade_samples, "viernheim-nach-bensheim"), VIERNHEIM)
    office = routing.directory.responsible("gewerbeamt", VIERNHEIM)
    assert office is not None
    copy = forward_copy(original, office, routing, max_bytes=10**6)
    assert copy != original
    root = etree.fromstring(copy)
    assert text(root, "x:nachrichtenkopf/x:leser//x:praefix/code") == office.praefix
    assert text(root, "x:nachrichtenkopf/x:leser//x:kennung/code") == office.kennung
    assert text(root, "x:nachrichtenkopf/x:leser/x:behoerdenname") == office.name
    assert not nodes(root, "x:nachrichtenkopf/x:leser/x:erreichbarkeit") and not list(root.iter(etree.Comment))
    assert etree.QName(root).localname == "alg.gewerbemeldung.0300"
    event = pipeline.read(copy, max_bytes=10**6).envelope  # the hub's own validation of incoming messages
    assert event.reader == office.key and event.attributes["vorherige_gemeinde"] == VIERNHEIM
