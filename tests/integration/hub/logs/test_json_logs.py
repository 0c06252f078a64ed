"""`hub run` with HUB_LOG_FORMAT=json on the real broker: every line the process writes is one JSON object, faust's
and the Kafka client's lines included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hub_process import RunningHub, hub_running, new_config, stop_hub

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def json_hub(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    with hub_running(new_config(kafka_bootstrap, tmp_path_factory, extra_env={"HUB_LOG_FORMAT": "json"})) as hub:
        yield hub


def test_every_line_is_json_with_time_level_logger_and_event(json_hub: RunningHub, shared_dir: Path) -> None:
    sample = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml"))
    answer = json_hub.post(sample.read_bytes())
    assert answer.status == 202, answer.body
    json_hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "routed" for e in t))
    stop_hub(json_hub)  # the shutdown lines count too

    lines = json_hub.log_path.read_text(encoding="utf-8").splitlines()
    assert lines, "hub run wrote nothing"
    records = []
    for number, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"line {number} is not JSON: {line[:300]}")
    assert all({"time", "level", "logger", "event"} <= set(r) for r in records)
    loggers = {r["logger"] for r in records}
    assert "hub.run" in loggers  # what `hub run` says before the worker starts
    assert any(name.startswith("faust") for name in loggers)
    assert any(r["event"].endswith("Ready") for r in records)
