"""Finding a case by the reference people hold and reading it as a citizen, on the real broker."""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub, drop_topics, new_config, operator_token, start_hub, stop_hub

pytestmark = pytest.mark.integration
AKTENZEICHEN = "63/BV/2026/01234"  # the file number the 1121 sample announces


@pytest.fixture(scope="module")
def desk(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningHub, dict[str, str]]]:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    clerks = {"bensheim": config.add_token("Bürgerbüro Bensheim", ("gba:06431002",), clerk=True),
              "viernheim": config.add_token("Bürgerbüro Viernheim", ("gba:06431020", "MELDID:06431020"), clerk=True)}
    hub = start_hub(config, operator_token(config))
    try:
        yield hub, clerks
    finally:
        stop_hub(hub)
        drop_topics(hub)


def _xpath(data: bytes, path: str) -> str:
    return str(etree.fromstring(data).xpath(f"string({path})"))


def _find(hub: RunningHub, ref: str, token: str | None = None) -> Any:
    path = f"/api/v1/cases?ref={urllib.parse.quote(ref, safe='')}"
    return hub.get(path) if token is None else hub.get(path, token=token)


def test_the_building_case_is_found_by_its_references_and_reads_in_plain_german(
        desk: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, clerks = desk
    messages = sorted((shared_dir / "samples" / "xbau").glob("*.xml"))
    case_ids = {hub.post(p.read_bytes()).body["case_id"] for p in messages}
    assert len(case_ids) == 1
    case_id = case_ids.pop()
    hub.wait_for_timeline(case_id, lambda t: sum(1 for e in t if e["status"] == "routed") == len(messages))
    referenz = _xpath(messages[0].read_bytes(), "//*[local-name()='referenzAntragsservice']")
    assert referenz
    for ref in (AKTENZEICHEN, referenz, referenz.upper()):
        found = _find(hub, ref)
        assert found.status == 200, (ref, found.body)
        assert [c["case_id"] for c in found.body["cases"]] == [case_id]
    env = {"HUB_KAFKA_BOOTSTRAP": hub.bootstrap, "HUB_TOPIC_PREFIX": hub.catalogue.prefix,
           "HUB_APP_ID": hub.catalogue.app_id, "PATH": "/usr/bin:/bin"}
    found_cli = subprocess.run([sys.executable, "-m", "hub.cli", "case", "find", AKTENZEICHEN], env=env,
                               capture_output=True, text=True, timeout=120, check=False)
    assert found_cli.returncode == 0, found_cli.stderr
    assert found_cli.stdout.splitlines()[0].split() == [case_id, "Aktenzeichen", "(bab:06431000)"]
    status = hub.get(f"/api/v1/cases/{case_id}/status").body
    assert status["status"] == "Bescheid erteilt" and status["date"] == "2026-11-20"
    assert status["authority"] == "Kreis Bergstraße – Untere Bauaufsichtsbehörde"
    assert "Bensheim" in status["procedure"]
    assert [s["label"] for s in status["steps"]][:2] == ["Bauantrag eingereicht", "Eingang des Antrags bestätigt"]
    # the municipality's own clerk finds it (its building office took part); Viernheim's clerk finds nothing
    assert _find(hub, AKTENZEICHEN, clerks["bensheim"]).status == 200
    elsewhere = _find(hub, AKTENZEICHEN, clerks["viernheim"])
    assert elsewhere.status == 404 and elsewhere.content_type == "application/problem+json"
    assert hub.get(f"/api/v1/cases/{case_id}/status", token=clerks["viernheim"]).status == 403


def test_after_the_request_for_documents_alone_the_view_shows_its_deadline(
        desk: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, _clerks = desk
    asked = next((shared_dir / "samples" / "xbau").glob("*status17*.xml")).read_bytes()
    # a fresh message id and application reference: a case of its own, holding this one message
    fresh = asked.replace(_xpath(asked, "//*[local-name()='nachrichtenUUID']").encode(),
                          b"0b7e4c1a-2d3f-4e5a-8b9c-0d1e2f3a4b5c")
    fresh = fresh.replace(_xpath(asked, "//*[local-name()='bezug']/*[local-name()='referenz']").encode(),
                          b"5d2c9e0f-1a2b-4c3d-8e9f-0a1b2c3d4e5f")
    answer = hub.post(fresh)
    assert answer.status == 202, answer.body
    hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "routed" for e in t))
    status = hub.get(f"/api/v1/cases/{answer.body['case_id']}/status").body
    assert (status["status"], status["deadline"]) == ("Unterlagen nachgefordert", "2026-11-06")
    assert "2026-11-06" in status["action"]


def test_a_trade_case_is_found_by_its_business_and_has_a_german_label(
        desk: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, _clerks = desk
    data = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()
    answer = hub.post(data)
    assert answer.status == 202
    hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "routed" for e in t))
    betrieb = _xpath(data, "//*[local-name()='gewerbebetriebID']")
    found = _find(hub, betrieb)
    assert found.status == 200 and [c["case_id"] for c in found.body["cases"]] == [answer.body["case_id"]]
    status = hub.get(f"/api/v1/cases/{answer.body['case_id']}/status").body
    assert status["procedure"] == "Gewerbeanmeldung Bensheim"
    assert status["steps"][0]["label"] == "Gewerbeanmeldung eingegangen"
