"""Delivery to real recipient systems on the real broker: webhook with retries, inbox, folder, portal push, replay."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hub.delivery.signing import HEADER_IDEMPOTENCY_KEY, verify
from hub.settings import Settings
from tests.support.hub_process import (
    RunningHub,
    drop_topics,
    new_config,
    operator_token,
    start_hub,
    stop_hub,
    wait_for,
)
from tests.support.recipient_server import RecipientServer, recipient_server
from tests.support.routing_data import with_delivery

pytestmark = pytest.mark.integration
SECRETS = {"gewerbeaufsicht": "g" * 40, "statistik": "s" * 40, "portal": "p" * 40}
FLAKY_CALLS = 2  # the trade supervision's system fails its first two calls
STATISTICS_ATTEMPTS = 3


@dataclass
class DeliveryHub:
    hub: RunningHub
    server: RecipientServer
    folder: Path
    env: dict[str, str]
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def delivery_hub(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeliveryHub]:
    base = tmp_path_factory.mktemp("delivery")
    folder = base / "finanzamt-eingang"
    with recipient_server({"/gewerbeaufsicht": FLAKY_CALLS}, slow={"/statistik": 3.0}) as server:
        routing_dir = base / "routing"
        shutil.copytree(Settings().routing_dir, routing_dir)
        authorities = (routing_dir / "authorities.toml").read_text()
        flaky, dead = server.url("/gewerbeaufsicht"), server.url("/statistik")
        authorities = with_delivery(authorities, "xga:06431000", f'{{ channel = "webhook", url = "{flaky}", '
                                    'secret = "gewerbeaufsicht", timeout_s = 2 }')
        authorities = with_delivery(authorities, "xga:06000000", f'{{ channel = "webhook", url = "{dead}", '
                                    f'secret = "statistik", max_attempts = {STATISTICS_ATTEMPTS}, timeout_s = 2 }}')
        authorities = with_delivery(authorities, "ihk:06411000", '{ channel = "inbox" }')
        authorities = with_delivery(authorities, "fin:2605", f'{{ channel = "folder", path = "{folder}" }}')
        (routing_dir / "authorities.toml").write_text(authorities)
        secrets = base / "secrets.toml"
        secrets.write_text("[webhook_secrets]\n" + "".join(f'{k} = "{v}"\n' for k, v in SECRETS.items())
                           + f'\n[portal]\nurl = "{server.url("/portal")}"\nsecret_name = "portal"\n')
        config = new_config(kafka_bootstrap, tmp_path_factory, routing_dir=routing_dir, extra_env={
            "HUB_SECRETS_FILE": str(secrets), "HUB_RETRY_BASE_S": "1.5", "HUB_RETRY_MAX_DELAY_S": "4"})
        tokens = {
            "bensheim": config.add_token("Gewerbeamt Bensheim", ("MELDID:06431002",)),
            "viernheim": config.add_token("Gewerbeamt Viernheim", ("MELDID:06431020",)),
            "ihk": config.add_token("IHK Darmstadt", ("ihk:06411000",)),
            "hwk": config.add_token("Handwerkskammer", ("hwk:06412000",)),
        }
        hub = start_hub(config, operator_token(config))
        try:
            yield DeliveryHub(hub, server, folder, config.env, tokens)
        finally:
            stop_hub(hub)
            drop_topics(hub)


def _anmeldung(shared_dir: Path) -> bytes:
    return next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hub.cli", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)


def test_every_channel_delivers_and_a_failing_recipient_is_retried_parked_and_replayed(
        delivery_hub: DeliveryHub, shared_dir: Path) -> None:
    hub, server = delivery_hub.hub, delivery_hub.server
    data = _anmeldung(shared_dir)
    answer = hub.post(data, token=delivery_hub.tokens["bensheim"])
    assert answer.status == 202, answer.body
    case_id, message_id = answer.body["case_id"], answer.body["message_id"]

    # served on time while the trade supervision's system is still failing
    written = wait_for(lambda: list(delivery_hub.folder.glob("*.xml")), "the Finanzamt's file", timeout_s=30)
    assert len(server.calls_to("/gewerbeaufsicht")) <= FLAKY_CALLS
    assert not any(c.answered == 200 for c in server.calls_to("/gewerbeaufsicht"))
    assert len(written) == 1 and message_id in written[0].name
    assert not list(delivery_hub.folder.glob(".*"))  # no temporary file left behind
    inbox = hub.get("/api/v1/inbox/ihk:06411000", token=delivery_hub.tokens["ihk"])
    assert inbox.status == 200 and [m["message_id"] for m in inbox.body["waiting"]] == [message_id]

    # the flaky recipient: delivered after its failures, accepted exactly once, every call validly signed
    calls = wait_for(lambda: [c for c in server.calls_to("/gewerbeaufsicht") if c.answered == 200] and
                  server.calls_to("/gewerbeaufsicht"), "the trade supervision's delivery")
    assert [c.answered for c in calls] == [503] * FLAKY_CALLS + [200]
    secret = SECRETS["gewerbeaufsicht"].encode()
    for call in calls:
        assert verify(secret, call.body, call.headers, now=int(time.time()))
    assert len({c.headers[HEADER_IDEMPOTENCY_KEY] for c in calls}) == 1

    def statuses() -> list[dict[str, Any]]:
        return list(hub.get(f"/api/v1/cases/{case_id}").body["timeline"])

    wait_for(lambda: any(e["status"] == "accepted" and e.get("recipient") == "xga:06431000" for e in statuses()),
          "accepted by the trade supervision")
    accepted = [e for e in statuses() if e["status"] == "accepted" and e.get("recipient") == "xga:06431000"]
    delivered = [e for e in statuses() if e["status"] == "delivered" and e.get("recipient") == "xga:06431000"]
    assert len(accepted) == 1 and len(delivered) == 1  # delivered once, when its system finally answered 2xx
    for recipient in ("fin:2605", "ihk:06411000"):  # the folder and the inbox report their delivery too
        assert any(e["status"] == "delivered" and e.get("recipient") == recipient for e in statuses()), recipient

    # the unresponsive recipient: parked after its attempts with the last error, then replayed once it works again;
    # while it was timing out, the flaky recipient was served (each recipient has a lane of its own)
    failed = wait_for(lambda: [e for e in statuses() if e["status"] == "failed"], "the statistics delivery to fail")
    assert failed[0]["recipient"] == "xga:06000000" and "timeout after 2" in failed[0]["reason"]
    timeline = statuses()
    assert timeline.index(accepted[0]) < timeline.index(failed[0])
    wait_for(lambda: len(server.calls_to("/statistik")) == STATISTICS_ATTEMPTS, "the last slow answer")
    listed = _cli(delivery_hub.env, "dlq", "list", "--reason", "delivery", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 1 and items[0]["recipient"] == "xga:06000000" and items[0]["attempts"] == STATISTICS_ATTEMPTS
    assert "timeout" in items[0]["reason"] and items[0]["topic"] == hub.catalogue.delivery
    server.heal("/statistik")
    replayed = _cli(delivery_hub.env, "dlq", "replay", items[0]["id"], "--yes")
    assert replayed.returncode == 0, replayed.stderr
    wait_for(lambda: any(e["status"] == "accepted" and e.get("recipient") == "xga:06000000" for e in statuses()),
          "the replayed statistics delivery")
    assert json.loads(_cli(delivery_hub.env, "dlq", "list", "--json").stdout) == []

    # the inbox: fetch, acknowledge, never offered again
    token = delivery_hub.tokens["ihk"]
    fetched = hub.get(f"/api/v1/inbox/ihk:06411000/{message_id}", token=token)
    assert fetched.status == 200 and fetched.body == data  # the addressed reader: exactly as sent
    ack = hub.post(b"", path=f"/api/v1/inbox/ihk:06411000/{message_id}/ack", token=token)
    assert ack.status in (200, 202), ack.body
    wait_for(lambda: hub.get("/api/v1/inbox/ihk:06411000", token=token).body["waiting"] == [], "the inbox to empty")
    wait_for(lambda: any(e["status"] == "accepted" and e.get("recipient") == "ihk:06411000" for e in statuses()),
          "the inbox acknowledgement in the timeline")

    # the portal hears of every status, signed the same way
    pushed = wait_for(lambda: [json.loads(c.body) for c in server.calls_to("/portal")
                            if json.loads(c.body)["case_id"] == case_id and c.answered == 200
                            and json.loads(c.body)["entry"]["status"] == "accepted"], "portal pushes")
    assert pushed
    for call in server.calls_to("/portal"):
        assert verify(SECRETS["portal"].encode(), call.body, call.headers, now=int(time.time()))


def test_a_duplicate_submission_is_not_routed_twice(delivery_hub: DeliveryHub, shared_dir: Path) -> None:
    hub = delivery_hub.hub
    data = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*ummeldung*.xml")).read_bytes()
    first = hub.post(data)
    second = hub.post(data)  # at once: the worker's own check catches it
    assert first.status == second.status == 202
    case_id, message_id = first.body["case_id"], first.body["message_id"]
    hub.wait_for_timeline(case_id, lambda t: any(e["status"] == "delivered" for e in t))
    # once the worker has routed it (it remembers the id in the same step), the API acknowledges a resubmission
    third = hub.post(data)
    assert third.status == 202 and third.body.get("duplicate") is True and third.body["case_id"] == case_id
    timeline = hub.get(f"/api/v1/cases/{case_id}").body["timeline"]
    assert sum(1 for e in timeline if e["status"] == "routed" and e.get("message_id") == message_id) == 1
    ingested = [r for r in hub.read_topic(hub.catalogue.trade_ingest, expect=2) if r.value == data]
    assert len(ingested) == 2  # the first two were both written (the third was answered from the worker's state)
    copies = [r for r in hub.read_topic(hub.catalogue.delivery, expect=1) if r.key == b"fin:2605"
              and message_id.encode() in dict(r.headers)["hub-envelope"]]
    assert len(copies) == 1  # the second submission was recognised by the worker: routed once


def test_every_endpoint_refuses_missing_unknown_and_foreign_tokens(delivery_hub: DeliveryHub,
                                                                   shared_dir: Path) -> None:
    hub, tokens = delivery_hub.hub, delivery_hub.tokens
    data = _anmeldung(shared_dir)
    case_id = hub.post(data, token=tokens["bensheim"]).body["case_id"]
    message_id = next(iter(hub.get("/api/v1/inbox/ihk:06411000", token=tokens["ihk"]).body["waiting"]),
                      {"message_id": "18a0b2c4-58f7-4f2e-9d61-3a8e0c7b5d14"})["message_id"]
    endpoints: list[tuple[str, str, bytes | None, str]] = [
        ("POST", "/api/v1/messages", data, tokens["viernheim"]),  # sending as Bensheim
        ("GET", f"/api/v1/cases/{case_id}", None, tokens["hwk"]),  # a case the chamber of crafts is not part of
        ("GET", "/api/v1/inbox/ihk:06411000", None, tokens["viernheim"]),
        ("GET", f"/api/v1/inbox/ihk:06411000/{message_id}", None, tokens["viernheim"]),
        ("POST", f"/api/v1/inbox/ihk:06411000/{message_id}/ack", b"", tokens["viernheim"]),
    ]
    for method, path, body, foreign in endpoints:
        for token, expected in ((None, 401), ("kein-gueltiges-token", 401), (foreign, 403)):
            answer = hub.post(body or b"", path=path, token=token) if method == "POST" else hub.get(path, token=token)
            assert answer.status == expected, (method, path, token and token[:4], answer.body)
            assert answer.content_type == "application/problem+json"
    assert hub.get("/healthz", token=None).status == 200
    assert hub.get("/", token=None).status == 401  # faust's index says nothing without a token
    for builtin in ("/router/", "/table/cases/", "/stats/", "/graph/"):  # faust's own pages are switched off
        assert hub.get(builtin, token=None).status == 404, builtin
    metrics = hub.get("/metrics", token=None)
    assert metrics.status == 200 and b"# TYPE hub_delivery_attempts_total counter" in metrics.body
    log = delivery_hub.hub.log_path.read_text()
    assert not any(token in log for token in tokens.values())
