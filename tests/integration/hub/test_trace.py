"""`hub trace` on the real broker: the full path of a delivered message and of a parked one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub
from tests.support.xpath import nodes

pytestmark = pytest.mark.integration


def _trace(hub: RunningHub, ident: str) -> str:
    env = {"HUB_KAFKA_BOOTSTRAP": hub.bootstrap, "HUB_TOPIC_PREFIX": hub.catalogue.prefix,
           "HUB_APP_ID": hub.catalogue.app_id, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "hub.cli", "trace", ident], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_trace_of_a_delivered_and_of_a_parked_message(running_hub: RunningHub, shared_dir: Path) -> None:
    data = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()
    answer = running_hub.post(data)
    assert answer.status == 202
    case_id, message_id = answer.body["case_id"], answer.body["message_id"]
    running_hub.wait_for_timeline(case_id, lambda t: sum(1 for e in t if e["status"] == "delivered") == 4)
    for ident in (case_id, message_id):
        lines = _trace(running_hub, ident).splitlines()
        stages = [line.split()[2] for line in lines[2:]]
        assert stages[:3] == ["received", "validated", "routed"] and stages.count("delivered") == 4, lines
        assert f"{running_hub.catalogue.trade_ingest}[" in lines[2]  # the ingest record the message came in as
        delivered = [line for line in lines if " delivered " in line]
        assert all(f"{running_hub.catalogue.delivery}[" in line and " inbox " in line for line in delivered)
    root = etree.fromstring(data)  # the same notification for Munich, which the directory does not serve
    nodes(root, "x:satz/*/x:gemeindeSchluessel/code")[0].text = "09162000"
    nodes(root, "x:nachrichtenkopf/x:identifikation.nachricht/x:nachrichtenUUID")[0].text = \
        "3e1d5c7a-9b2f-4d6e-8a0c-1f3b5d7e9a2c"
    munich = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    parked = running_hub.post(munich)
    assert parked.status == 202  # readable, so accepted; the worker cannot route it
    running_hub.wait_for_timeline(parked.body["case_id"], lambda t: any(e["status"] == "rejected" for e in t))
    lines = _trace(running_hub, parked.body["message_id"]).splitlines()  # its case holds the first message too
    assert [line.split()[2] for line in lines[2:]] == ["received", "rejected", "parked"]
    assert "routing.unknown_municipality" in lines[-1]
