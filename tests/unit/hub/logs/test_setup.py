"""HUB_LOG_FORMAT: JSON lines or text, the same handler for the hub's, faust's and the Kafka clients' lines."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest

from hub.logs import events
from hub.logs.setup import logging_config
from hub.settings import Settings


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """dictConfig replaces the root handlers; give pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    kafka_level = logging.getLogger("kafka").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(kafka_level)


def _configure(capsys: pytest.CaptureFixture[str], **values: Any) -> None:
    capsys.readouterr()
    logging.config.dictConfig(logging_config(Settings(**values)))


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_time_level_event_and_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _configure(capsys, log_format="json")
    events.parked(reason="routing.unknown_authority", stage="worker", case_id="c-1", standard="XMeld")
    logging.getLogger("faust.worker").info("[^Worker]: Ready")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [sorted(line) for line in lines] == [
        sorted(["time", "level", "logger", "event", "reason", "stage", "case_id", "standard", "outcome"]),
        sorted(["time", "level", "logger", "event"])]
    parked, faust_line = lines
    assert parked["event"] == "record.parked" and parked["level"] == "WARNING" and parked["outcome"] == "parked"
    assert parked["time"].endswith("Z") and parked["time"][10] == "T"
    assert faust_line == {**faust_line, "logger": "faust.worker", "event": "[^Worker]: Ready", "level": "INFO"}


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_name_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _configure(capsys, log_format="text")
    events.routed(case_id="c-1", message_id="m-1", standard="XBau", recipients=2)
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(" INFO    hub.events: message.routed case_id=c-1 message_id=m-1 standard=XBau stage=routed "
                         "outcome=routed recipients=2")


@pytest.mark.usefixtures("restore_logging")
def test_kafka_reconnect_noise_is_held_back_by_the_configured_handler(capsys: pytest.CaptureFixture[str]) -> None:
    _configure(capsys, log_format="json", log_repeat_interval_s=3600)
    for _ in range(500):
        logging.getLogger("aiokafka").error("Unable connect to node with id %s: %s", 1, "Connect call failed")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["state"] == "kafka_unreachable"


@pytest.mark.usefixtures("restore_logging")
def test_kafka_python_chatter_stays_below_info(capsys: pytest.CaptureFixture[str]) -> None:
    _configure(capsys, log_format="text", log_level="INFO")
    logging.getLogger("kafka.net.manager").info("Attempting bootstrap to bootstrap-0")
    logging.getLogger("aiokafka.consumer.group_coordinator").info("Discovered coordinator 1")
    assert [line.split(": ", 1)[1] for line in capsys.readouterr().err.splitlines()] == ["Discovered coordinator 1"]
