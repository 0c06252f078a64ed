"""End to end on the real broker: a Gewerbeanmeldung over HTTP reaches every entitled authority once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from hub.app.factory import codelist_dir
from hub.routing.directory import Directory
from hub.settings import Settings
from tests.support.hub_process import RunningHub
from tests.support.xpath import text

pytestmark = pytest.mark.integration
# The trade regulations name these recipients of every Gewerbeanzeige in Kreis Bergstraße (besides the reader).
REQUIRED_ROLES = ("gewerbeaufsicht", "ihk", "finanzamt", "statistik")


def _sample(shared_dir: Path, name: str) -> bytes:
    return next((shared_dir / "samples" / "xgewerbeanzeige").glob(f"*{name}*.xml")).read_bytes()


def test_bensheim_anmeldung_reaches_each_required_recipient_once(running_hub: RunningHub, shared_dir: Path) -> None:
    data = _sample(shared_dir, "anmeldung_bensheim")
    posted = etree.fromstring(data)
    ags = text(posted, "x:satz/*/x:gemeindeSchluessel/code")
    reader = f"{text(posted, 'x:nachrichtenkopf/x:leser//x:praefix/code')}:" \
             f"{text(posted, 'x:nachrichtenkopf/x:leser//x:kennung/code')}"
    settings = Settings()
    directory = Directory.load(settings.routing_dir / "authorities.toml", codelist_dir(settings))
    required = {reader}
    for role in REQUIRED_ROLES:
        authority = directory.responsible(role, ags)
        assert authority is not None, role
        required.add(authority.key)

    answer = running_hub.post(data)
    assert answer.status == 202, answer.body
    assert answer.body["message_id"] == text(posted, "//x:nachrichtenUUID")
    case_id = answer.body["case_id"]

    def complete(timeline: list[dict[str, Any]]) -> bool:
        return {e.get("recipient") for e in timeline if e["status"] == "delivered"} >= required

    timeline = running_hub.wait_for_timeline(case_id, complete)
    steps = [e["status"] for e in timeline]
    assert steps[:3] == ["received", "validated", "routed"]
    delivered = [e["recipient"] for e in timeline if e["status"] == "delivered"]
    assert sorted(delivered) == sorted(required)  # each once, nobody else
    assert set(steps[3:]) == {"delivered"}
    assert all("at" in e for e in timeline)

    for recipient in required:  # every recipient finds exactly its copy in its pull inbox (the default channel)
        held = running_hub.inbox(recipient)
        assert len(held) == 1, f"{recipient}: {len(held)} messages"
        entry, payload = held[0]
        assert entry["case_id"] == case_id and entry["message_id"] == answer.body["message_id"]
        copy = etree.fromstring(payload)
        assert text(copy, "//x:nachrichtenUUID") == answer.body["message_id"]
        if recipient == reader:
            assert payload == data  # the addressed reader gets the message exactly as sent
        else:
            praefix, kennung = recipient.split(":")
            assert text(copy, "x:nachrichtenkopf/x:leser//x:praefix/code") == praefix
            assert text(copy, "x:nachrichtenkopf/x:leser//x:kennung/code") == kennung


def test_metrics_count_the_stages(running_hub: RunningHub, shared_dir: Path) -> None:
    posted = running_hub.post(_sample(shared_dir, "ummeldung"))
    assert posted.status == 202
    running_hub.wait_for_timeline(posted.body["case_id"], lambda t: any(e["status"] == "delivered" for e in t))
    answer = running_hub.get("/metrics")
    assert answer.status == 200
    text = answer.body.decode()
    for stage in ("received", "validated", "routed", "delivered"):
        assert f'hub_messages_total{{message_type="0300",stage="{stage}",standard="XGewerbeanzeige"}}' in text
