"""Trade messages as the standards define them, on the real broker: a foreigners' office message reaches that office
alone, addressed to a chamber it is parked; XGewerbeordnung 1.6 without installed schemas is parked with the
setting that fixes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hub_process import RunningHub
from tests.support.trade_variants import ABH_KENNUNG, as_kind, in_namespace
from tests.support.xgewo_schemas import XGEWO_16

pytestmark = pytest.mark.integration


def _anmeldung(shared_dir: Path) -> bytes:
    return next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()


def test_a_foreigners_office_message_reaches_that_office_alone(running_hub: RunningHub, shared_dir: Path) -> None:
    abh = as_kind(_anmeldung(shared_dir), "abh", "0500", "azr:031300", ABH_KENNUNG)
    answer = running_hub.post(abh)
    assert answer.status == 202, answer.body
    timeline = running_hub.wait_for_timeline(answer.body["case_id"],
                                             lambda t: any(e["status"] == "delivered" for e in t))
    assert {e.get("recipient") for e in timeline if e["status"] == "delivered"} == {"azr:031300"}
    assert [p for _e, p in running_hub.inbox("azr:031300")] == [abh]
    assert not [e for e, _p in running_hub.inbox("ihk:06411000") if e["message_id"] == answer.body["message_id"]]


def test_a_foreigners_office_message_addressed_to_a_chamber_is_parked(running_hub: RunningHub,
                                                                      shared_dir: Path) -> None:
    abh = as_kind(_anmeldung(shared_dir), "abh", "0500").replace(b"18a0b2c4-58f7-4f2e-9d61-3a8e0c7b5d14",
                                                                b"6f5e4d3c-2b1a-4098-8765-43210fedcba9")
    answer = running_hub.post(abh)
    assert answer.status == 202, answer.body
    timeline = running_hub.wait_for_timeline(answer.body["case_id"],
                                             lambda t: any(e["status"] == "rejected" for e in t))
    mine = [e for e in timeline if e.get("message_id") == answer.body["message_id"]]
    reason = next(e["reason"] for e in mine if e["status"] == "rejected")
    assert "routing.kind_mismatch" in reason and "abh" in reason and "ihk" in reason
    assert not any(e["status"] == "delivered" for e in mine)


def test_xgewerbeordnung_without_schemas_is_parked_with_the_setting_to_fix_it(running_hub: RunningHub,
                                                                              shared_dir: Path) -> None:
    answer = running_hub.post(in_namespace(_anmeldung(shared_dir), XGEWO_16))
    assert answer.status == 415 and answer.body["code"] == "schema.not_installed", answer.body
    assert "XGewerbeordnung 1.6 erkannt, Schema nicht installiert" in answer.body["detail"]
    assert "HUB_SCHEMA_DIR" in answer.body["detail"]
