"""Health that tells the truth: with its broker gone the hub says so within seconds and refuses messages at once;
once the broker is back it is healthy again and the next message flows. Runs on a broker of its own."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.kafka import LocalKafka
from hub.settings import Settings
from tests.support.hub_process import RunningHub, drop_topics, new_config, operator_token, start_hub, stop_hub

pytestmark = pytest.mark.integration


def _free_ports() -> tuple[int, int]:
    with socket.socket() as a, socket.socket() as b:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        return int(a.getsockname()[1]), int(b.getsockname()[1])


@pytest.fixture
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    port, controller = _free_ports()
    broker = LocalKafka(Settings(), data_dir=tmp_path_factory.mktemp("own-kafka"), port=port,
                        controller_port=controller, detach=False)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def _health_within(hub: RunningHub, status: int, seconds: float) -> float:
    """Seconds until /healthz answers `status`; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if hub.get("/healthz", token=None).status == status:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz did not answer {status} within {seconds} s")


def test_health_and_ingest_follow_the_broker(own_broker: LocalKafka, tmp_path_factory: pytest.TempPathFactory,
                                             shared_dir: Path) -> None:
    config = new_config(own_broker.bootstrap, tmp_path_factory)
    hub = start_hub(config, operator_token(config))
    data = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()
    try:
        own_broker.stop()
        _health_within(hub, 503, 10)
        started = time.monotonic()
        refused = hub.post(data)
        assert time.monotonic() - started < 5
        assert refused.status == 503 and refused.content_type == "application/problem+json"
        assert refused.body["code"] == "kafka.unavailable"
        own_broker.start()
        _health_within(hub, 200, 90)
        answer = hub.post(data)
        assert answer.status == 202, answer.body
        hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "delivered" for e in t),
                              timeout_s=90)
        log = hub.log_path.read_text()
        assert log.count("Kafka does not answer") == 1  # one line for the outage, not one per reconnect attempt
    finally:
        stop_hub(hub)
        if own_broker.status().answering:
            drop_topics(hub)
