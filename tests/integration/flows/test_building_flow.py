"""A building application in Bensheim and the authority's answers, end to end on the real broker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub, drop_topics, new_config, operator_token, start_hub, stop_hub
from tests.support.messages import by_file_number_only

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


def test_a_status_naming_only_the_file_number_is_parked_until_announced_and_joins_when_replayed(
        kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> None:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    hub = start_hub(config, operator_token(config))
    try:
        messages = sorted((shared_dir / "samples" / "xbau").glob("*.xml"))
        application, receipt, announcement = (p.read_bytes() for p in messages[:3])
        case_id = hub.post(application).body["case_id"]
        hub.post(receipt)
        early = by_file_number_only(next(p for p in messages if "status14" in p.name).read_bytes(),
                                    "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a")
        parked = hub.post(early)
        assert parked.status == 202, parked.body  # valid: only the worker can tell it names nothing known
        hub.wait_for_timeline(parked.body["case_id"], lambda t: any(e["status"] == "rejected" for e in t))
        assert hub.post(announcement).status == 202
        hub.wait_for_timeline(case_id, lambda t: any(e.get("message_type") == "1121" for e in t))
        env = {**config.env}
        listed = json.loads(subprocess.run([sys.executable, "-m", "hub.cli", "dlq", "list", "--reason",
                                            "correlation", "--json"], env=env, capture_output=True, text=True,
                                           timeout=120, check=True).stdout)
        assert [i["message_id"] for i in listed] == ["4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"]
        subprocess.run([sys.executable, "-m", "hub.cli", "dlq", "replay", listed[0]["id"], "--yes"], env=env,
                       capture_output=True, text=True, timeout=120, check=True)
        timeline = hub.wait_for_timeline(
            case_id, lambda t: any(e.get("message_id") == "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"
                                   and e["status"] == "routed" for e in t))
        later = by_file_number_only(next(p for p in messages if "status17" in p.name).read_bytes(),
                                    "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d")
        assert hub.post(later).status == 202  # announced by now: joins at once
        hub.wait_for_timeline(case_id, lambda t: any(e.get("message_id") == "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"
                                                     for e in t))
        assert timeline[0]["message_type"] == "0200"
    finally:
        stop_hub(hub)
        drop_topics(hub)
