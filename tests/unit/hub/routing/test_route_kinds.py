"""Recipient kinds: a trade message's root names the kind of recipient it is for; it reaches only that kind, and a
recipient-specific message only its addressed reader."""

from __future__ import annotations

import pytest

from hub import pipeline
from hub.pipeline import Routing
from hub.routing.errors import KindMismatch, ReaderMismatch, UnknownKind
from hub.routing.route import route
from tests.support.trade_variants import ABH_KENNUNG, as_kind, readdressed
from topics.envelope import Envelope


def _event(data: bytes) -> Envelope:
    return pipeline.read(data, max_bytes=1_000_000).envelope


def _keys(data: bytes, routing: Routing) -> list[str]:
    return [r.key for r in route(_event(data), routing.directory, routing.rules, routing.catalogue)]


def test_a_foreigners_office_message_reaches_that_office_alone(anmeldung_bensheim: bytes, routing: Routing) -> None:
    abh = as_kind(anmeldung_bensheim, "abh", "0500", "azr:031300", ABH_KENNUNG)
    assert _keys(abh, routing) == ["azr:031300"]
    recipients = route(_event(abh), routing.directory, routing.rules, routing.catalogue)
    assert recipients[0].as_sent and recipients[0].kind == "abh"


def test_a_foreigners_office_message_addressed_to_a_chamber_is_parked(anmeldung_bensheim: bytes,
                                                                      routing: Routing) -> None:
    abh = as_kind(anmeldung_bensheim, "abh", "0500")  # still addressed to the IHK, as the sample is
    with pytest.raises(KindMismatch) as caught:
        route(_event(abh), routing.directory, routing.rules, routing.catalogue)
    assert caught.value.code == "routing.kind_mismatch" and caught.value.field == "reader"
    assert "abh" in caught.value.detail and "ihk" in caught.value.detail and "ihk:06411000" in caught.value.detail


def test_a_statistics_message_goes_to_the_statistics_office_alone(anmeldung_bensheim: bytes,
                                                                   routing: Routing) -> None:
    sta = as_kind(anmeldung_bensheim, "sta", "0100", "xga:06000000")
    assert _keys(sta, routing) == ["xga:06000000"]
    with pytest.raises(KindMismatch):
        route(_event(as_kind(anmeldung_bensheim, "sta", "0100", "fin:2605")), routing.directory, routing.rules,
              routing.catalogue)


def test_a_general_message_may_not_be_addressed_to_a_specific_recipient(anmeldung_bensheim: bytes,
                                                                        routing: Routing) -> None:
    with pytest.raises(KindMismatch) as caught:  # alg, but the reader is the foreigners' office
        route(_event(readdressed(anmeldung_bensheim, "azr:031300", ABH_KENNUNG)), routing.directory, routing.rules,
              routing.catalogue)
    assert "alg" in caught.value.detail and "auslaenderbehoerde" in caught.value.detail


def test_a_kind_no_recipient_is_served_for_is_parked(anmeldung_bensheim: bytes, routing: Routing) -> None:
    with pytest.raises(KindMismatch) as caught:
        route(_event(as_kind(anmeldung_bensheim, "dgu", "0230")), routing.directory, routing.rules, routing.catalogue)
    assert "dgu" in caught.value.detail


def test_an_undeclared_kind_is_parked(anmeldung_bensheim: bytes, routing: Routing) -> None:
    event = _event(anmeldung_bensheim)
    odd = event.model_copy(update={"attributes": {**event.attributes, "empfaengerart": "xyz"}})
    with pytest.raises(UnknownKind):
        route(odd, routing.directory, routing.rules, routing.catalogue)


def test_a_foreigners_office_message_for_a_town_outside_its_district_is_refused(
    anmeldung_bensheim: bytes, routing: Routing,
) -> None:
    event = _event(as_kind(anmeldung_bensheim, "abh", "0500", "azr:031300", ABH_KENNUNG))
    with pytest.raises(ReaderMismatch) as caught:  # Darmstadt is not Kreis Bergstraße
        route(event.model_copy(update={"ags": "06411000"}), routing.directory, routing.rules, routing.catalogue)
    assert "azr:031300" in caught.value.detail and "06411000" in caught.value.detail


def test_every_copy_of_a_general_message_is_of_its_recipients_kind(anmeldung_bensheim: bytes,
                                                                  routing: Routing) -> None:
    kinds = routing.rules.kinds_of("XGewerbeanzeige")
    assert kinds is not None
    for recipient in route(_event(anmeldung_bensheim), routing.directory, routing.rules, routing.catalogue):
        expected = "alg" if recipient.as_sent else kinds.of_role(recipient.role)
        assert recipient.kind == expected
        assert recipient.role in kinds.kinds[str(recipient.kind)].roles
