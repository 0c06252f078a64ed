"""A business moves from Viernheim to Bensheim: one case, and each trade office learns of the other's notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub
from tests.support.xpath import text

pytestmark = pytest.mark.integration


def _office(data: bytes) -> str:
    root = etree.fromstring(data)
    return f"{text(root, 'x:nachrichtenkopf/x:autor//x:praefix/code')}:" \
           f"{text(root, 'x:nachrichtenkopf/x:autor//x:kennung/code')}"


def test_business_move_is_one_case_and_both_offices_are_informed(running_hub: RunningHub, shared_dir: Path) -> None:
    samples = shared_dir / "samples" / "xgewerbeanzeige"
    abmeldung = next(samples.glob("*abmeldung_viernheim*.xml")).read_bytes()
    neu = next(samples.glob("*viernheim-nach-bensheim*.xml")).read_bytes()
    old_office, new_office = _office(abmeldung), _office(neu)
    assert old_office != new_office

    first, second = running_hub.post(abmeldung), running_hub.post(neu)
    assert first.status == second.status == 202
    case_id = first.body["case_id"]
    assert second.body["case_id"] == case_id

    everyone = {old_office, new_office, "xga:06431000", "fin:2605", "xga:06000000", "ihk:06411000"}

    def both_informed(timeline: list[dict[str, Any]]) -> bool:
        informed = {e.get("recipient") for e in timeline if "Verlegung" in (e.get("reason") or "")}
        delivered = {e.get("recipient") for e in timeline if e["status"] == "delivered"}
        return informed >= {old_office, new_office} and delivered >= everyone

    timeline = running_hub.wait_for_timeline(case_id, both_informed)
    touched = {e.get("recipient") for e in timeline} | {e.get("author") for e in timeline}
    assert everyone <= touched

    to_old = running_hub.inbox(old_office)
    to_new = running_hub.inbox(new_office)
    assert [payload for _entry, payload in to_old] == [neu]
    assert [payload for _entry, payload in to_new] == [abmeldung]
