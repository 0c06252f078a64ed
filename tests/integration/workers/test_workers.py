"""Several workers of one deployment on the real broker: they share the partitions, each message is processed once,
any worker answers for any case, and a survivor completes the work of a worker killed with kill -9."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient

from hub.app.factory import codelist_dir
from hub.routing.directory import Directory
from hub.settings import Settings
from tests.support.hub_process import (
    HubConfig,
    RunningHub,
    drop_topics,
    new_config,
    operator_token,
    second_worker,
    start_hub,
    stop_hub,
)
from tests.support.messages import fresh_anmeldungen

pytestmark = pytest.mark.integration
REQUIRED_ROLES = ("gewerbeaufsicht", "ihk", "finanzamt", "statistik")


def _recipients() -> set[str]:
    """Who receives a Bensheim Anmeldung addressed to the IHK, read from the directory: reader and § 14 roles."""
    settings = Settings()
    directory = Directory.load(settings.routing_dir / "authorities.toml", codelist_dir(settings))
    found = {a.key for a in (directory.responsible(role, "06431002") for role in REQUIRED_ROLES) if a}
    return found | {"ihk:06411000"}


@pytest.fixture
def deployment(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubConfig, str]]:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    yield config, operator_token(config)


def _members(hub: RunningHub) -> dict[str, int]:
    """Consumer group members and how many ingest partitions each owns."""
    admin = KafkaAdminClient(bootstrap_servers=hub.bootstrap, client_id="test-group-check")
    try:
        group = admin.describe_groups([hub.catalogue.app_id])[hub.catalogue.app_id]
    finally:
        admin.close()
    return {member["member_id"]: sum(len(t["partitions"]) for t in member["member_assignment"]["assigned_partitions"]
                                     if t["topic"] == hub.catalogue.trade_ingest)
            for member in group["members"]}


def _post_all(hubs: list[RunningHub], messages: list[tuple[str, bytes]]) -> dict[str, str]:
    """Post each message to the next hub in turn; a dead hub's messages go to the next one. message id → case."""
    cases: dict[str, str] = {}
    for index, (message_id, data) in enumerate(messages):
        for attempt in range(len(hubs)):
            hub = hubs[(index + attempt) % len(hubs)]
            try:
                answer = hub.post(data)
            except (urllib.error.URLError, ConnectionError, OSError):
                continue  # this worker is gone: its API refuses the connection
            if answer.status == 202:
                cases[message_id] = answer.body["case_id"]
                break
        else:
            raise AssertionError(f"no worker accepted {message_id}")
    return cases


def _complete(hub: RunningHub, cases: dict[str, str], recipients: set[str], timeout_s: float = 120) -> None:
    for case_id in cases.values():
        hub.wait_for_timeline(case_id, lambda t: {e.get("recipient") for e in t if e["status"] == "delivered"}
                              >= recipients, timeout_s=timeout_s)


def _each_recipient_once(hub: RunningHub, cases: dict[str, str], recipients: set[str]) -> None:
    for recipient in recipients:
        listed = [entry["message_id"] for entry, _payload in hub.inbox(recipient)]
        mine = [m for m in listed if m in cases]
        assert sorted(mine) == sorted(cases), f"{recipient}: {len(mine)} of {len(cases)}, {len(set(mine))} distinct"


def test_two_workers_share_the_partitions_and_any_api_answers_for_any_case(
        deployment: tuple[HubConfig, str], tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> None:
    config, token = deployment
    first = start_hub(config, token)
    second: RunningHub | None = None
    try:
        second = start_hub(second_worker(config, tmp_path_factory), token)
        messages = fresh_anmeldungen(shared_dir, 100)
        cases = _post_all([first, second], messages)
        recipients = _recipients()
        _complete(first, cases, recipients)
        owned = _members(first)
        assert len(owned) == 2 and all(count > 0 for count in owned.values()), owned  # both did a share
        for case_id in cases.values():  # readable from both APIs, whichever worker owns it
            for hub in (first, second):
                answer = hub.get(f"/api/v1/cases/{case_id}")
                assert answer.status == 200 and answer.body["case_id"] == case_id
        _each_recipient_once(second, cases, recipients)
        _each_recipient_once(first, cases, recipients)
    finally:
        if second is not None:
            stop_hub(second)
        stop_hub(first)
        drop_topics(first)


def test_the_survivor_completes_every_case_when_a_worker_is_killed_mid_load(
        deployment: tuple[HubConfig, str], tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> None:
    config, token = deployment
    survivor = start_hub(config, token)
    doomed: RunningHub | None = None
    try:
        doomed = start_hub(second_worker(config, tmp_path_factory), token)
        messages = fresh_anmeldungen(shared_dir, 200)
        posted: dict[str, Any] = {}
        killer = threading.Thread(target=_kill_when, args=(doomed, posted, 60))
        killer.start()
        posted.update(_post_all_tracking([survivor, doomed], messages, posted))
        killer.join(timeout=60)
        assert doomed.process.poll() is not None  # it really was killed while messages were coming in
        recipients = _recipients()
        _complete(survivor, posted["cases"], recipients, timeout_s=180)
        _each_recipient_once(survivor, posted["cases"], recipients)
    finally:
        if doomed is not None and doomed.process.poll() is None:
            stop_hub(doomed)
        stop_hub(survivor)
        drop_topics(survivor)


def _post_all_tracking(hubs: list[RunningHub], messages: list[tuple[str, bytes]],
                       shared: dict[str, Any]) -> dict[str, Any]:
    cases: dict[str, str] = {}
    shared["cases"] = cases
    for index, message in enumerate(messages):
        cases.update(_post_all(hubs, [message]) if index else _post_all(hubs[:1], [message]))
    return {"cases": cases}


def _kill_when(hub: RunningHub, shared: dict[str, Any], count: int) -> None:
    """kill -9 the worker's process group once `count` messages were accepted."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(shared.get("cases", {})) >= count:
            os.killpg(hub.process.pid, signal.SIGKILL)
            hub.process.wait()
            return
        time.sleep(0.01)
