"""A real `hub run` process on the real broker, isolated by uuid-named topics and consumer group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer

from hub.app.factory import load_routing
from hub.auth.tokens import add_token
from hub.settings import Settings
from topics.catalogue import Catalogue

START_TIMEOUT_S = 120
MAX_MESSAGE_BYTES = 256 * 1024  # small, so the oversize path is exercised without megabytes of traffic


@dataclass
class HttpAnswer:
    status: int
    content_type: str
    body: Any


class _Default:
    """Marks 'use the operator token' apart from None ('send no token')."""


DEFAULT = _Default()


@dataclass
class RunningHub:
    """A hub worker process and the handles a test needs to talk to it."""

    base_url: str
    bootstrap: str
    catalogue: Catalogue
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    token: str | None = field(default=None, repr=False)

    def _headers(self, token: str | _Default | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        chosen = self.token if isinstance(token, _Default) else token
        return {**({"Authorization": f"Bearer {chosen}"} if chosen else {}), **(extra or {})}

    def post(self, body: bytes, content_type: str = "application/xml", *, path: str = "/api/v1/messages",
             token: str | _Default | None = DEFAULT) -> HttpAnswer:
        """POST as the operator (all authorities), as `token`, or with token=None without any."""
        request = urllib.request.Request(f"{self.base_url}{path}", data=body, method="POST",
                                         headers=self._headers(token, {"Content-Type": content_type}))
        return _call(request)

    def get(self, path: str, *, token: str | _Default | None = DEFAULT) -> HttpAnswer:
        return _call(urllib.request.Request(f"{self.base_url}{path}", headers=self._headers(token)))

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

    def inbox(self, recipient: str, *, token: str | _Default | None = DEFAULT) -> list[tuple[dict[str, Any], bytes]]:
        """Every message waiting in `recipient`'s pull inbox, as the recipient fetches it: listing and XML."""
        waiting: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            query = f"?limit=1000&after={after}" if after else "?limit=1000"
            answer = self.get(f"/api/v1/inbox/{recipient}{query}", token=token)
            assert answer.status == 200, answer.body
            waiting += answer.body["waiting"]
            after = answer.body["next"]
            if after is None:
                break
        fetched = []
        for entry in waiting:
            answer = self.get(f"/api/v1/inbox/{recipient}/{entry['message_id']}", token=token)
            assert answer.status == 200, answer.body
            fetched.append((entry, answer.body))
        return fetched

    def wait_for_inbox(self, recipient: str, count: int, timeout_s: float = 60) -> list[tuple[dict[str, Any], bytes]]:
        """Poll `recipient`'s inbox until it holds at least `count` messages; fail with what it held."""
        deadline = time.monotonic() + timeout_s
        held: list[tuple[dict[str, Any], bytes]] = []
        while time.monotonic() < deadline:
            held = self.inbox(recipient)
            if len(held) >= count:
                return held
            time.sleep(0.3)
        raise AssertionError(f"inbox of {recipient} held {len(held)} of {count} messages after {timeout_s}s")

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


def wait_for(condition: Any, what: str, timeout_s: float = 60) -> Any:
    """Poll `condition()` until it returns something truthy, and return that; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


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


@dataclass(frozen=True)
class HubConfig:
    """One isolated deployment on the session broker: its own topic prefix, consumer group and port."""

    bootstrap: str
    run_id: str
    data_dir: Path
    port: int
    routing_dir: Path | None = None
    extra_env: tuple[tuple[str, str], ...] = ()

    @property
    def tokens_file(self) -> Path:
        return self.data_dir / "tokens.toml"

    def add_token(self, system: str, authorities: tuple[str, ...], *, all_cases: bool = False,
                  clerk: bool = False, operator: bool = False) -> str:
        """A token the hub accepts once (re)started: acting for `authorities`."""
        return add_token(self.tokens_file, system, authorities, all_cases=all_cases, clerk=clerk, operator=operator)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **({"HUB_ROUTING_DIR": str(self.routing_dir)} if self.routing_dir else {}),
            "HUB_KAFKA_BOOTSTRAP": self.bootstrap,
            "HUB_TOPIC_PREFIX": f"it-{self.run_id}.",
            "HUB_APP_ID": f"hub-it-{self.run_id}",
            "HUB_HTTP_PORT": str(self.port),
            "HUB_DATA_DIR": str(self.data_dir),
            "HUB_MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
            **dict(self.extra_env),  # a test's own settings win, e.g. a larger HUB_MAX_MESSAGE_BYTES
        }


def new_config(bootstrap: str, tmp_path_factory: pytest.TempPathFactory, *, routing_dir: Path | None = None,
               extra_env: dict[str, str] | None = None) -> HubConfig:
    run_id = uuid.uuid4().hex[:12]
    return HubConfig(bootstrap, run_id, tmp_path_factory.mktemp(f"hub-{run_id}"), _free_port(), routing_dir,
                     tuple((extra_env or {}).items()))


def members_own_partitions(hub: RunningHub, count: int) -> bool:
    """Whether the deployment's consumer group has `count` members and each owns partitions."""
    admin = KafkaAdminClient(bootstrap_servers=hub.bootstrap, client_id="test-group-members")
    try:
        group = admin.describe_groups([hub.catalogue.app_id])[hub.catalogue.app_id]
    finally:
        admin.close()
    owned = [sum(len(t["partitions"]) for t in m["member_assignment"]["assigned_partitions"]) for m in group["members"]]
    return len(owned) == count and all(owned)


def second_worker(config: HubConfig, tmp_path_factory: pytest.TempPathFactory) -> HubConfig:
    """Another worker of the same deployment: same topics, consumer group and tokens; its own state and port."""
    extra = dict(config.extra_env) | {"HUB_TOKENS_FILE": str(config.tokens_file)}
    return HubConfig(config.bootstrap, config.run_id, tmp_path_factory.mktemp(f"hub-{config.run_id}-w"), _free_port(),
                     config.routing_dir, tuple(extra.items()))


def operator_token(config: HubConfig) -> str:
    """A token acting for every authority of the directory and reading every case: the tests' own system."""
    settings = Settings(routing_dir=config.routing_dir) if config.routing_dir else Settings()
    authorities = tuple(sorted(load_routing(settings).directory.authorities))
    return config.add_token("Integrationstest", authorities, all_cases=True)


def _copy_output(pipe: IO[bytes], log_path: Path) -> None:
    """Copy what the hub writes to its pipe into its log file, as it comes, until the hub closes it."""
    with pipe, log_path.open("ab") as log:
        for chunk in iter(lambda: pipe.read1(65536), b""):  # type: ignore[attr-defined]
            log.write(chunk)
            log.flush()


def start_hub(config: HubConfig, token: str | None = None, *, output_pipe: bool = False) -> RunningHub:
    """Start `hub run` for `config` and wait until it is healthy. With `output_pipe` its stdout and stderr are a
    pipe, as in a container, that a thread copies to the log file; otherwise the log file itself."""
    env = config.env
    log_path = config.data_dir / f"hub-{time.monotonic_ns()}.log"
    command = [sys.executable, "-m", "hub.cli", "run"]
    if output_pipe:
        log_path.touch()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        assert process.stdout is not None
        threading.Thread(target=_copy_output, args=(process.stdout, log_path), daemon=True).start()
    else:
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
    hub = RunningHub(f"http://127.0.0.1:{config.port}", config.bootstrap,
                     Settings(topic_prefix=env["HUB_TOPIC_PREFIX"], app_id=env["HUB_APP_ID"]).catalogue(), log_path,
                     process, token)
    try:
        _wait_healthy(hub)
    except BaseException:
        stop_hub(hub)
        raise
    return hub


def stop_hub(hub: RunningHub) -> None:
    """SIGTERM the hub's process group, as an operator's Ctrl+C would; SIGKILL if it hangs."""
    process = hub.process
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


def drop_topics(hub: RunningHub) -> None:
    """Delete the deployment's topics after its tests, so the session broker stays small and fast."""
    admin = KafkaAdminClient(bootstrap_servers=hub.bootstrap, client_id="test-cleanup")
    try:
        mine = [t for t in admin.list_topics()
                if t.startswith(hub.catalogue.prefix) or t.startswith(f"{hub.catalogue.app_id}-")]
        for start in range(0, len(mine), 200):
            admin.delete_topics(mine[start:start + 200])
    finally:
        admin.close()


@contextmanager
def two_workers(config: HubConfig, tmp_path_factory: pytest.TempPathFactory,
                token: str) -> Iterator[tuple[RunningHub, RunningHub]]:
    """Two workers of `config`'s deployment, each owning partitions; stopped and the topics deleted afterwards."""
    first = start_hub(config, token)
    second: RunningHub | None = None
    try:
        second = start_hub(second_worker(config, tmp_path_factory), token)
        wait_for(lambda: members_own_partitions(first, 2), "both workers to own partitions")
        yield first, second
    finally:
        if second is not None:
            stop_hub(second)
        stop_hub(first)
        drop_topics(first)


@contextmanager
def hub_running(config: HubConfig) -> Iterator[RunningHub]:
    """`hub run` for `config` with the operator's token, stopped and its topics deleted afterwards."""
    hub = start_hub(config, operator_token(config))
    try:
        yield hub
    finally:
        stop_hub(hub)
        drop_topics(hub)
