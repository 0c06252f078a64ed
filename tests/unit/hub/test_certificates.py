"""A Standesamt's delivery joins the case of the request it answers, and only that: matching is pure, by register,
applicant digest and zuordnung, and never grants a Standesamt or a portal access to another's case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub import pipeline
from hub.correlation.certificates import (
    AUTHOR_FIELD,
    READER_FIELD,
    NoOpenRequest,
    NotCertificateMessage,
    OpenRequest,
    OtherPortal,
    OtherStandesamt,
    answered,
    correlate,
    correlation_key,
)
from hub.settings import Settings
from tests.unit.connectors.civil_status import xps_support as build
from topics.envelope import Envelope


def _event(data: bytes) -> Envelope:
    return pipeline.read(data, max_bytes=10**6).envelope


@pytest.fixture(scope="module")
def samples(settings: Settings) -> dict[str, bytes]:
    paths = sorted((settings.shared_dir / "samples" / "xpersonenstand").glob("*.xml"))
    return {p.stem.split(".")[2].split("_")[0]: p.read_bytes() for p in paths}


@pytest.fixture(scope="module")
def request_(samples: dict[str, bytes]) -> Envelope:
    return _event(samples["081032"])


@pytest.fixture(scope="module")
def delivery(samples: dict[str, bytes]) -> Envelope:
    return _event(samples["081033"])


def _other(request: Envelope, **changes: object) -> OpenRequest:
    """Another open request like `request`, with `changes`."""
    return OpenRequest.of(request).model_copy(update={"case_id": "other-case", "message_id": "other", **changes})


def test_the_sample_delivery_joins_the_sample_requests_case(request_: Envelope, delivery: Envelope) -> None:
    match = correlate(delivery, [OpenRequest.of(request_)])
    assert match.case_id == request_.case_id
    assert match.request.portal == request_.author == delivery.reader
    assert correlation_key(request_) == correlation_key(delivery)


def test_an_open_request_keeps_keys_and_digests_only(samples: dict[str, bytes], request_: Envelope) -> None:
    remembered = OpenRequest.of(request_)
    assert (remembered.standesamt, remembered.portal, remembered.registerart) == ("psw:06431002", "dbs:06999001",
                                                                              "Geburt")
    assert remembered.zuordnung == "PORTAL-AUFTRAG-2026-11-000042"
    for personal in (b"Musterfrau", b"Erika", b"erika.musterfrau@example.org"):
        assert personal in samples["081032"] and personal.decode() not in remembered.model_dump_json()


def test_a_delivery_matching_no_open_request_is_parked(request_: Envelope, delivery: Envelope) -> None:
    for requests in ([], [_other(request_, zuordnung="PORTAL-AUFTRAG-ANDERS")], [_other(request_, registerart="Ehe")],
                     [_other(request_, antragsteller="0" * 64)]):
        with pytest.raises(NoOpenRequest) as info:
            correlate(delivery, requests)
        assert info.value.code == "correlation.no_open_request"
        assert "keiner offenen Anforderung" in info.value.detail


def test_a_delivery_from_a_standesamt_that_was_not_asked_is_parked(samples: dict[str, bytes],
                                                                   request_: Envelope) -> None:
    viernheim = _event(build.with_header(samples["081033"], "autor", "psw:06431020"))
    with pytest.raises(OtherStandesamt) as info:
        correlate(viernheim, [OpenRequest.of(request_)])
    assert info.value.code == "correlation.other_standesamt" and info.value.field == AUTHOR_FIELD
    assert "psw:06431020" in info.value.detail and "psw:06431002" in info.value.detail


def test_a_delivery_to_a_portal_that_did_not_ask_is_parked(samples: dict[str, bytes], request_: Envelope) -> None:
    elsewhere = _event(build.with_header(samples["081033"], "leser", "dbs:06999002"))
    with pytest.raises(OtherPortal) as info:
        correlate(elsewhere, [OpenRequest.of(request_)])
    assert info.value.field == READER_FIELD and "dbs:06999001" in info.value.detail


def test_the_asked_standesamts_request_wins_over_a_lookalike(request_: Envelope, delivery: Envelope) -> None:
    lookalike = _other(request_, standesamt="psw:06431020")
    assert correlate(delivery, [lookalike, OpenRequest.of(request_)]).case_id == request_.case_id


def test_an_answered_request_is_open_no_more_but_its_delivery_replays(request_: Envelope,
                                                                      delivery: Envelope) -> None:
    requests = [OpenRequest.of(request_)]
    match = correlate(delivery, requests)
    after = answered(requests, match, delivery)
    assert after[0].answered_by == delivery.message_id
    assert correlate(delivery, after).case_id == request_.case_id  # the same delivery again: same case
    second = delivery.model_copy(update={"message_id": "another-delivery"})
    with pytest.raises(NoOpenRequest):
        correlate(second, after)


def test_several_open_requests_of_one_applicant_are_answered_oldest_first(request_: Envelope,
                                                                          delivery: Envelope) -> None:
    first = OpenRequest.of(request_)
    later = _other(request_, requested_at=first.requested_at + timedelta(days=1))
    requests = [later, first]
    one = correlate(delivery, requests)
    assert one.case_id == first.case_id
    requests = answered(requests, one, delivery)
    two = correlate(delivery.model_copy(update={"message_id": "second-delivery"}), requests)
    assert two.case_id == later.case_id


def test_a_delivery_without_zuordnung_matches_only_requests_without_one(request_: Envelope,
                                                                        delivery: Envelope) -> None:
    bare = delivery.model_copy(update={"attributes": {k: v for k, v in delivery.attributes.items()
                                                      if k != "zuordnung"}})
    with pytest.raises(NoOpenRequest):
        correlate(bare, [OpenRequest.of(request_)])
    assert correlate(bare, [_other(request_, zuordnung=None)]).case_id == "other-case"


def test_only_certificate_messages_correlate(request_: Envelope, delivery: Envelope,
                                             anmeldung_bensheim: bytes) -> None:
    with pytest.raises(NotCertificateMessage):
        OpenRequest.of(delivery)
    with pytest.raises(NotCertificateMessage):
        correlate(request_, [OpenRequest.of(request_)])
    with pytest.raises(NotCertificateMessage):
        correlation_key(_event(anmeldung_bensheim))
