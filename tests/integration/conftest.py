"""Integration-tier fixtures: a real `hub run` process on the real broker, with uuid-named topics and group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer

from hub.settings import Settings
from topics.catalogue import Catalogue

START_TIMEOUT_S = 120
MAX_MESSAGE_BYTES = 256 * 1024  # small, so the oversize path is exercised without megabytes of traffic


@dataclass
class HttpAnswer:
    status: int
    content_type: str
    body: Any


@dataclass
class RunningHub:
    """A hub worker process and the handles a test needs to talk to it."""

    base_url: str
    bootstrap: str
    catalogue: Catalogue
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def post(self, body: bytes, content_type: str = "application/xml") -> HttpAnswer:
        request = urllib.request.Request(f"{self.base_url}/api/v1/messages", data=body, method="POST",
                                         headers={"Content-Type": content_type})
        return _call(request)

    def get(self, path: str) -> HttpAnswer:
        return _call(urllib.request.Request(f"{self.base_url}{path}"))

    def wait_for_timeline(self, case_id: str, done: Any, timeout_s: float = 60) -> list[dict[str, Any]]:
        """Poll the case until `done(timeline)` holds; fail with the last timeline seen."""
        deadline = time.monotonic() + timeout_s
        timeline: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            answer = self.get(f"/api/v1/cases/{case_id}")
            if answer.status == 200:
                timeline = answer.body["timeline"]
                if done(timeline):
                    return timeline
            time.sleep(0.3)
        raise AssertionError(f"case {case_id} did not complete in {timeout_s}s; last timeline: {timeline}")

    def read_topic(self, topic: str, *, expect: int, timeout_s: float = 30, settle_s: float = 3) -> list[Any]:
        """Every record on `topic`, waiting for at least `expect` and then `settle_s` longer for extras."""
        consumer = KafkaConsumer(topic, bootstrap_servers=self.bootstrap, group_id=f"test-{uuid.uuid4()}",
                                 auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=500)
        records: list[Any] = []
        deadline = time.monotonic() + timeout_s
        settle_until: float | None = None
        try:
            while time.monotonic() < deadline and (settle_until is None or time.monotonic() < settle_until):
                for batch in consumer.poll(timeout_ms=500).values():
                    records.extend(batch)
                if settle_until is None and len(records) >= expect:
                    settle_until = time.monotonic() + settle_s
        finally:
            consumer.close()
        return records


def _call(request: urllib.request.Request) -> HttpAnswer:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status, ctype = response.read(), response.status, response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raw, status, ctype = error.read(), error.code, error.headers.get_content_type()
    body = json.loads(raw) if ctype.endswith("json") else raw
    return HttpAnswer(status, ctype, body)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return Settings().shared_dir


@pytest.fixture(scope="module")
def running_hub(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    """`hub run` against the session broker, isolated by a uuid topic prefix and app id (consumer group)."""
    run_id = uuid.uuid4().hex[:12]
    data_dir = tmp_path_factory.mktemp(f"hub-{run_id}")
    port = _free_port()
    env = {
        **os.environ,
        "HUB_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "HUB_TOPIC_PREFIX": f"it-{run_id}.",
        "HUB_APP_ID": f"hub-it-{run_id}",
        "HUB_HTTP_PORT": str(port),
        "HUB_DATA_DIR": str(data_dir),
        "HUB_MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
    }
    log_path = data_dir / "hub.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "hub.cli", "run"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    hub = RunningHub(f"http://127.0.0.1:{port}", kafka_bootstrap,
                     Catalogue(prefix=env["HUB_TOPIC_PREFIX"], app_id=env["HUB_APP_ID"]), log_path, process)
    try:
        _wait_healthy(hub)
        yield hub
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_healthy(hub: RunningHub) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise AssertionError(f"hub run exited with {hub.process.returncode}:\n{hub.log_path.read_text()[-4000:]}")
        try:
            if hub.get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"hub did not become healthy in {START_TIMEOUT_S}s:\n{hub.log_path.read_text()[-4000:]}")
