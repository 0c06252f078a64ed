"""A building application in Bensheim and the authority's answers, end to end on the real broker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub

pytestmark = pytest.mark.integration
STATUS_CODELIST = "urn_xoev-de_xbau_codeliste_statusbauportal_3.0.xml"


def _label_of(code: str, shared_dir: Path) -> str:
    root = etree.parse(str(shared_dir / "xoev" / "codelists" / STATUS_CODELIST)).getroot()
    for row in root.iter("Row"):
        values = [str(v.findtext("SimpleValue") or "") for v in row.iter("Value")]
        if values and values[0] == code:
            return next(v for v in values[1:] if v)
    raise AssertionError(f"status {code} not in the codelist")


def _status_code(data: bytes) -> str | None:
    codes = etree.fromstring(data).xpath("//*[local-name()='statusAntragsportal']/code/text()")
    assert isinstance(codes, list)
    return str(codes[0]) if codes else None


def test_application_and_answers_form_one_case_with_german_labels(running_hub: RunningHub, shared_dir: Path) -> None:
    messages = sorted((shared_dir / "samples" / "xbau").glob("*.xml"))
    assert len(messages) >= 6
    case_ids = set()
    for path in messages:
        answer = running_hub.post(path.read_bytes())
        assert answer.status == 202, (path.name, answer.body)
        case_ids.add(answer.body["case_id"])
    assert len(case_ids) == 1
    case_id = case_ids.pop()
    expected_labels = [_label_of(code, shared_dir) for p in messages if (code := _status_code(p.read_bytes()))]
    assert len(expected_labels) >= 2

    def answered(timeline: list[dict[str, Any]]) -> bool:
        return sum(1 for e in timeline if e["status"] == "delivered") >= len(messages) + 1

    timeline = running_hub.wait_for_timeline(case_id, answered)
    status_labels = [e["label"] for e in timeline if e["status"] == "routed" and e.get("message_type") == "1170"]
    assert status_labels == expected_labels  # in the order the authority sent them
    routed_types = [e["message_type"] for e in timeline if e["status"] == "routed"]
    assert routed_types == [etree.fromstring(p.read_bytes()).xpath("string(//*[local-name()='nachrichtentyp']/code)")
                            for p in messages]
    touched = {e.get("recipient") for e in timeline} | {e.get("author") for e in timeline}
    assert {"bap:06000000", "bab:06431000", "gba:06431002"} <= touched
    participation = running_hub.inbox("gba:06431002")
    assert len(participation) == 1
    assert b"gba:06431002" in participation[0][1]


def test_schema_invalid_application_is_parked_with_line_and_path(running_hub: RunningHub, shared_dir: Path) -> None:
    source = next((shared_dir / "samples" / "xbau").glob("*antrag.0200*.xml")).read_bytes()
    invalid = source.replace(b"<nachrichtenkopf.g2g>", b"<nachrichtenkopf.g2g><unbekannt/>", 1)
    assert invalid != source
    answer = running_hub.post(invalid)
    assert answer.status == 422 and answer.body["code"] == "schema.invalid"
    assert "Zeile" in answer.body["detail"] and answer.body["field"]
    parked = running_hub.read_topic(running_hub.catalogue.deadletter, expect=1)
    mine = [r for r in parked if r.value == invalid]
    assert len(mine) == 1
    reason = json.loads(dict(mine[0].headers)["hub-deadletter"])
    assert reason["reason_code"] == "schema.invalid" and reason["field"] == answer.body["field"]
