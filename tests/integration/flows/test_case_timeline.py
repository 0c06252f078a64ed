"""The portal's case timeline outlives the worker: a restarted hub serves it from the compacted changelog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.hub_process import drop_topics, new_config, operator_token, start_hub, stop_hub

pytestmark = pytest.mark.integration


def test_timeline_survives_a_restart(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory,
                                     shared_dir: Path) -> None:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    data = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()
    token = operator_token(config)
    hub = start_hub(config, token)
    try:
        answer = hub.post(data)
        assert answer.status == 202

        def delivered(timeline: list[dict[str, Any]]) -> bool:
            return sum(1 for e in timeline if e["status"] == "delivered") >= 4

        before = hub.wait_for_timeline(answer.body["case_id"], delivered)
    finally:
        stop_hub(hub)
    restarted = start_hub(config, token)
    try:
        after = restarted.wait_for_timeline(answer.body["case_id"], lambda t: len(t) >= len(before))
        assert after == before
    finally:
        stop_hub(restarted)
        drop_topics(restarted)
