"""Bad input on the real broker: each one answered with problem+json, parked with its bytes and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.hub_process import RunningHub

pytestmark = pytest.mark.integration

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>"""
MALFORMED = b"<?xml version='1.0'?><g:alg.gewerbemeldung.0300 xmlns:g='urn:x'><offen></g:alg.gewerbemeldung.0300>"
UNKNOWN_STANDARD = b"<?xml version='1.0'?><n:meldung xmlns:n='urn:example:xunbekannt:1.0'><n:id>1</n:id></n:meldung>"

BAD_INPUTS = {
    "malformed": (MALFORMED, 400, "xml.malformed"),
    "billion-laughs": (BILLION_LAUGHS, 400, "xml.forbidden_construct"),
    "external-entity": (EXTERNAL_ENTITY, 400, "xml.forbidden_construct"),
    "unknown-standard": (UNKNOWN_STANDARD, 415, "standard.unknown"),
    "oversized": (b"<a>" + b"x" * 300_000 + b"</a>", 413, "message.too_large"),
}


def test_bad_inputs_are_refused_and_parked_then_a_valid_message_still_flows(running_hub: RunningHub,
                                                                            shared_dir: Path) -> None:
    answers = {}
    for name, (body, status, code) in BAD_INPUTS.items():
        answer = running_hub.post(body)
        assert answer.status == status, (name, answer.body)
        assert answer.content_type == "application/problem+json"
        assert answer.body["code"] == code and answer.body["detail"], name
        assert answer.body["case_id"]
        assert [e["code"] for e in answer.body["errors"]] == [code]
        answers[name] = answer.body

    parked = running_hub.read_topic(running_hub.catalogue.deadletter, expect=len(BAD_INPUTS))
    by_body = {record.value: record for record in parked}
    for name, (body, _status, code) in BAD_INPUTS.items():
        assert body in by_body, f"{name} is not on the dead-letter topic"
        reason = json.loads(dict(by_body[body].headers)["hub-deadletter"])
        assert reason["reason_code"] == code and reason["reason"], name
        assert reason["origin"] == "http"
        assert by_body[body].key == reason["id"].encode() and reason["case_id"] == answers[name]["case_id"]
        timeline = running_hub.wait_for_timeline(answers[name]["case_id"],
                                                 lambda t: any(e["status"] == "rejected" for e in t))
        assert code in timeline[-1]["reason"]

    valid = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*abmeldung*.xml")).read_bytes()
    answer = running_hub.post(valid)
    assert answer.status == 202, answer.body
    timeline = running_hub.wait_for_timeline(answer.body["case_id"],
                                             lambda t: sum(e["status"] == "delivered" for e in t) >= 4)
    assert [e["status"] for e in timeline][:3] == ["received", "validated", "routed"]


def test_wrong_content_type_is_refused(running_hub: RunningHub) -> None:
    answer = running_hub.post(b"{}", content_type="application/json")
    assert answer.status == 415 and answer.body["code"] == "http.unsupported_media_type"


def test_unknown_case_is_not_found(running_hub: RunningHub) -> None:
    answer = running_hub.get("/api/v1/cases/00000000-0000-0000-0000-000000000000")
    assert answer.status == 404 and answer.content_type == "application/problem+json"
