"""A person moves from Viernheim to Bensheim: the XMeld messages reach the right registration offices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub

pytestmark = pytest.mark.integration


def _header_key(data: bytes, who: str) -> str:
    root = etree.fromstring(data)
    def part(name: str) -> str:
        path = f"*[local-name()='nachrichtenkopf']/*[local-name()='{who}']//*[local-name()='{name}']/code"
        return str(root.xpath(f"string({path})"))

    return f"{part('praefix')}:{part('kennung')}"


def test_move_messages_reach_the_offices_and_the_case_timelines(running_hub: RunningHub, shared_dir: Path) -> None:
    messages = sorted((shared_dir / "samples" / "xmeld").glob("*.xml"))
    assert len(messages) == 3
    cases: dict[str, list[bytes]] = {}
    for path in messages:
        data = path.read_bytes()
        answer = running_hub.post(data)
        assert answer.status == 202, (path.name, answer.body)
        cases.setdefault(answer.body["case_id"], []).append(data)
    request, provision, _rueckmeldung = (p.read_bytes() for p in messages)
    assert any(request in group and provision in group for group in cases.values())  # request and answer: one case

    for case_id, group in cases.items():
        def complete(timeline: list[dict[str, Any]], expected: int = len(group)) -> bool:
            return sum(1 for e in timeline if e["status"] == "delivered") >= expected

        timeline = running_hub.wait_for_timeline(case_id, complete)
        touched = {e.get("recipient") for e in timeline} | {e.get("author") for e in timeline}
        for data in group:
            assert {_header_key(data, "autor"), _header_key(data, "leser")} <= touched

    for path in messages:
        data = path.read_bytes()
        office = _header_key(data, "leser")
        payloads = [payload for _entry, payload in running_hub.inbox(office)]
        assert payloads.count(data) == 1, (path.name, office)


def test_unknown_xmeld_type_is_parked_with_reason(running_hub: RunningHub, shared_dir: Path) -> None:
    source = next((shared_dir / "samples" / "xmeld").glob("*0300*.xml")).read_bytes()
    unknown = source.replace(b"anmeldung.datenanforderung.0300", b"anmeldung.unbekannt.0399")
    assert unknown != source
    answer = running_hub.post(unknown)
    assert 400 <= answer.status < 500 and answer.body["code"] == "message.unknown_type", answer.body
    assert "anmeldung.unbekannt.0399" in answer.body["detail"]
    parked = running_hub.read_topic(running_hub.catalogue.deadletter, expect=1)
    assert [r.value for r in parked].count(unknown) == 1
