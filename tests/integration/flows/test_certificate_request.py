"""Certificate requests on the real broker: the portal's request reaches the pull inbox of the Standesamt that keeps
the entry, is fetched and acknowledged there; a request for another Standesamt's entry is parked with its reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hub_process import (
    RunningHub,
    drop_topics,
    new_config,
    operator_token,
    start_hub,
    stop_hub,
    wait_for,
)

pytestmark = pytest.mark.integration
PORTAL, BENSHEIM, VIERNHEIM = "dbs:06999001", "psw:06431002", "psw:06431020"


@pytest.fixture(scope="module")
def hub_and_tokens(kafka_bootstrap: str,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningHub, dict[str, str]]]:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    tokens = {
        "portal": config.add_token("Bürgerportal", (PORTAL,), all_cases=True),
        "bensheim": config.add_token("Standesamt Bensheim", (BENSHEIM,)),
        "viernheim": config.add_token("Standesamt Viernheim", (VIERNHEIM,)),
    }
    hub = start_hub(config, operator_token(config))
    try:
        yield hub, tokens
    finally:
        stop_hub(hub)
        drop_topics(hub)


def _sample(shared_dir: Path, number: str) -> bytes:
    return next((shared_dir / "samples" / "xpersonenstand").glob(f"*.{number}_*.xml")).read_bytes()


def _waiting(hub: RunningHub, token: str, authority: str = BENSHEIM) -> list[str]:
    answer = hub.get(f"/api/v1/inbox/{authority}", token=token)
    assert answer.status == 200, answer.body
    return [m["message_id"] for m in answer.body["waiting"]]


def test_the_portals_requests_reach_standesamt_bensheims_inbox_and_are_acknowledged(
        hub_and_tokens: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, tokens = hub_and_tokens
    sent = {}
    for number in ("081030", "081032"):
        data = _sample(shared_dir, number)
        answer = hub.post(data, token=tokens["portal"])
        assert answer.status == 202, answer.body
        sent[answer.body["message_id"]] = (answer.body["case_id"], data)

    waiting = wait_for(lambda: set(found := _waiting(hub, tokens["bensheim"])) >= set(sent) and found,
                       "both requests in Standesamt Bensheim's inbox")
    assert sorted(waiting) == sorted(sent)
    assert _waiting(hub, tokens["viernheim"], VIERNHEIM) == []
    assert hub.get(f"/api/v1/inbox/{BENSHEIM}", token=tokens["viernheim"]).status == 403

    for message_id, (case_id, data) in sent.items():
        fetched = hub.get(f"/api/v1/inbox/{BENSHEIM}/{message_id}", token=tokens["bensheim"])
        assert fetched.status == 200 and fetched.body == data  # as the portal sent it
        ack = hub.post(b"", path=f"/api/v1/inbox/{BENSHEIM}/{message_id}/ack", token=tokens["bensheim"])
        assert ack.status in (200, 202), ack.body
        timeline = hub.wait_for_timeline(case_id, lambda t: any(e["status"] == "accepted" for e in t))
        steps = [(e["status"], e.get("recipient")) for e in timeline]
        assert steps[0] == ("received", None) and timeline[0]["author"] == PORTAL
        assert ("delivered", BENSHEIM) in steps and ("accepted", BENSHEIM) in steps
        assert {e.get("recipient") for e in timeline} <= {None, BENSHEIM}  # no other office saw it
    wait_for(lambda: _waiting(hub, tokens["bensheim"]) == [], "the inbox to empty")


def test_a_request_for_another_standesamts_entry_is_parked(hub_and_tokens: tuple[RunningHub, dict[str, str]],
                                                           shared_dir: Path) -> None:
    hub, tokens = hub_and_tokens
    data = _sample(shared_dir, "081032").replace(b"<xps:geburtsort>Bensheim</xps:geburtsort>",
                                                 b"<xps:geburtsort>Viernheim</xps:geburtsort>")
    data = data.replace(b"eca98cfb-e8d9-48ea-95ed-47e2ae5bbe2d", b"1f0e3c52-6d55-4c1e-9d7a-2a61c4f0b9a1")
    answer = hub.post(data, token=tokens["portal"])
    assert answer.status == 202, answer.body  # readable and valid; routing parks it
    timeline = hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "rejected" for e in t))
    reason = timeline[-1]["reason"]
    assert "routing.place_of_other_authority" in reason and BENSHEIM in reason and VIERNHEIM in reason
    parked = [r for r in hub.read_topic(hub.catalogue.deadletter, expect=1) if r.value == data]
    assert len(parked) == 1
    record = json.loads(dict(parked[0].headers)["hub-deadletter"])
    assert record["reason_code"] == "routing.place_of_other_authority" and record["field"] == "kind/geburtsort"
    assert b"Musterfrau" not in dict(parked[0].headers)["hub-deadletter"]
    assert _waiting(hub, tokens["viernheim"], VIERNHEIM) == [] and _waiting(hub, tokens["bensheim"]) == []


def test_a_schema_invalid_request_is_refused_with_the_xsd_path(hub_and_tokens: tuple[RunningHub, dict[str, str]],
                                                               shared_dir: Path) -> None:
    hub, tokens = hub_and_tokens
    invalid = _sample(shared_dir, "081032").replace(b"<xps:geburtsdatum>1964-08-12</xps:geburtsdatum>",
                                                    b"<xps:geburtsdatum>12.08.1964</xps:geburtsdatum>")
    answer = hub.post(invalid, token=tokens["portal"])
    assert answer.status == 422 and answer.body["code"] == "schema.invalid", answer.body
    assert answer.body["field"] == "/xps:portal2StA.Geburt.081032/xps:kind/xps:geburtsdatum"
    assert "12.08.1964" not in json.dumps(answer.body)


def test_the_delivery_reaches_the_portal_in_the_requests_case_with_four_german_steps(
        hub_and_tokens: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, tokens = hub_and_tokens
    request, delivery = _sample(shared_dir, "081032"), _sample(shared_dir, "081033")
    # in a fresh deployment's eyes the request of the first test is this one; post it again in case this runs alone
    posted = hub.post(request, token=tokens["portal"])
    assert posted.status == 202, posted.body
    case_id = posted.body["case_id"]
    message_id = posted.body["message_id"]
    hub.wait_for_timeline(case_id, lambda t: any(e["status"] == "delivered" for e in t))
    ack = hub.post(b"", path=f"/api/v1/inbox/{BENSHEIM}/{message_id}/ack", token=tokens["bensheim"])
    assert ack.status in (200, 202), ack.body
    answered = hub.post(delivery, token=tokens["bensheim"])
    assert answered.status == 202, answered.body

    def complete(timeline: list[dict[str, object]]) -> bool:
        return any(e["status"] == "delivered" and e.get("recipient") == PORTAL for e in timeline)

    timeline = hub.wait_for_timeline(case_id, complete)
    labels = [e["label"] for e in timeline if e.get("label")]
    assert labels == ["Antrag eingegangen", "an das Standesamt übermittelt", "vom Standesamt abgerufen",
                      "Urkunde bereitgestellt"]
    at_portal = wait_for(lambda: [p for entry, p in hub.inbox(PORTAL) if entry["case_id"] == case_id],
                         "the certificate in the portal's inbox")
    assert at_portal == [delivery]
    # the Standesamt's answer named a case of its own; it points to the request's case
    pointer = hub.get(f"/api/v1/cases/{answered.body['case_id']}", token=tokens["bensheim"])
    assert pointer.status == 200 and case_id in json.dumps(pointer.body)
    status = hub.get(f"/api/v1/cases/{case_id}/status", token=tokens["portal"]).body
    assert status["status"] == "Urkunde bereitgestellt"


def test_a_delivery_answering_no_request_is_parked(hub_and_tokens: tuple[RunningHub, dict[str, str]],
                                                   shared_dir: Path) -> None:
    hub, tokens = hub_and_tokens
    delivery = _sample(shared_dir, "081033")
    orphan = delivery.replace(b"<xps:zuordnung>PORTAL-AUFTRAG", b"<xps:zuordnung>ANDERER-AUFTRAG")
    orphan = orphan.replace(b"8d0deb34-790e-4b02-84bd-b753a686dfb6", b"2c4f6a8e-0b1d-4e3f-9a5c-7d9e1f3b5a7c")
    assert orphan.count(b"ANDERER-AUFTRAG") == 1 and orphan.count(b"2c4f6a8e") == 1
    answer = hub.post(orphan, token=tokens["bensheim"])
    assert answer.status == 202, answer.body
    timeline = hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "rejected" for e in t))
    assert "correlation.no_open_request" in timeline[-1]["reason"]
    assert not [p for entry, p in hub.inbox(PORTAL) if entry["message_id"] == answer.body["message_id"]]
