"""What an operator sees of real traffic on the real broker: `/metrics` (lag, latency, delivery outcomes, dead
letters, recipient health) and the JSON log lines (one per attempt, none with personal data or a token)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from prometheus_client.parser import text_string_to_metric_families

from tests.support.hub_process import RunningHub, drop_topics, new_config, operator_token, start_hub, stop_hub, wait_for
from tests.support.recipient_server import RecipientServer, recipient_server
from tests.support.routing_data import webhook_routing

pytestmark = pytest.mark.integration
FAILING = "xga:06431000"  # the trade supervision's system answers 503 to every call
ATTEMPTS = 3
# Elements of the samples that hold a person's name, street or birth date (XÖV core components' names).
PERSONAL_ELEMENTS = {"familienname", "vorname", "vornamen", "nachname", "geburtsname", "strasse", "geburtsdatum"}


@dataclass
class ObservedHub:
    hub: RunningHub
    server: RecipientServer
    token: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def observed(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObservedHub]:
    base = tmp_path_factory.mktemp("observed")
    with recipient_server({"/gewerbeaufsicht": -1}) as server:
        routing_dir, secrets = webhook_routing(base, FAILING, server.url("/gewerbeaufsicht"), max_attempts=ATTEMPTS)
        config = new_config(kafka_bootstrap, tmp_path_factory, routing_dir=routing_dir, extra_env={
            "HUB_SECRETS_FILE": str(secrets), "HUB_RETRY_BASE_S": "0.5", "HUB_RETRY_MAX_DELAY_S": "1",
            "HUB_LOG_FORMAT": "json"})
        token = operator_token(config)
        hub = start_hub(config, token)
        try:
            yield ObservedHub(hub, server, token, config.env)
        finally:
            stop_hub(hub)
            drop_topics(hub)


def _sample(shared_dir: Path, standard: str, name: str) -> bytes:
    return next((shared_dir / "samples" / standard).glob(f"*{name}*.xml")).read_bytes()


Metrics = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _metrics(hub: RunningHub) -> Metrics:
    answer = hub.get("/metrics", token=None)
    assert answer.status == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(answer.body.decode()) for s in family.samples}


def _value(metrics: Metrics, name: str, **labels: str) -> float | None:
    found = [v for (n, pairs), v in metrics.items() if n == name and labels.items() <= dict(pairs).items()]
    return sum(found) if found else None


def _log_lines(hub: RunningHub) -> list[dict[str, Any]]:
    return [json.loads(line) for line in hub.log_path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_delivered_message_shows_lag_latency_and_its_outcome(observed: ObservedHub, shared_dir: Path) -> None:
    hub = observed.hub
    answer = hub.post(_sample(shared_dir, "xgewerbeanzeige", "anmeldung_bensheim"))
    assert answer.status == 202, answer.body
    timeline = hub.wait_for_timeline(answer.body["case_id"], lambda t: any(
        e["status"] == "delivered" and e.get("recipient") == "ihk:06411000" for e in t))
    delivered = [e for e in timeline if e["status"] == "delivered"]

    def shown() -> Metrics | None:
        metrics = _metrics(hub)
        latency = _value(metrics, "hub_end_to_end_seconds_count", standard="XGewerbeanzeige")
        lag = _value(metrics, "hub_consumer_lag", group=hub.catalogue.app_id, topic=hub.catalogue.trade_ingest)
        return metrics if latency and latency >= len(delivered) and lag is not None else None

    metrics = wait_for(shown, "lag and latency in /metrics", timeout_s=30)
    assert _value(metrics, "hub_delivery_outcomes_total", recipient="ihk:06411000", channel="inbox",
                  outcome="delivered") == 1
    assert _value(metrics, "hub_kafka_up") == 1
    assert _value(metrics, "hub_inbox_waiting", authority="ihk:06411000") == 1


def test_kafka_status_shows_topics_partitions_and_the_workers_group_with_its_lag(observed: ObservedHub) -> None:
    catalogue = observed.hub.catalogue
    shown = subprocess.run([sys.executable, "-m", "hub.cli", "kafka", "status"], env=observed.env,
                           capture_output=True, text=True, check=False, timeout=120)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    for topic in (catalogue.trade_ingest, catalogue.delivery, catalogue.changelog("cases")):
        assert any(line.split()[:3] == [topic, str(catalogue.partitions), "partitions,"] for line in lines), topic
    group = [line for line in lines if line.strip().startswith(f"{catalogue.app_id} (")]
    assert len(group) == 1 and ("lag" in group[0] or "up to date" in group[0]), shown.stdout


def test_a_failing_webhook_shows_in_its_health_and_in_one_line_per_attempt(observed: ObservedHub,
                                                                           shared_dir: Path) -> None:
    hub = observed.hub
    answer = hub.post(_sample(shared_dir, "xgewerbeanzeige", "abmeldung_viernheim"))
    assert answer.status == 202, answer.body
    message_id = answer.body["message_id"]
    hub.wait_for_timeline(answer.body["case_id"], lambda t: any(
        e["status"] == "failed" and e.get("recipient") == FAILING for e in t))

    def health() -> Metrics | None:
        metrics = _metrics(hub)
        return metrics if _value(metrics, "hub_recipient_consecutive_failures", recipient=FAILING) else None

    metrics = wait_for(health, "the recipient's health")
    failures = _value(metrics, "hub_recipient_consecutive_failures", recipient=FAILING, channel="webhook")
    assert failures is not None and failures >= ATTEMPTS
    assert _value(metrics, "hub_recipient_last_success_timestamp_seconds", recipient=FAILING) is None
    assert (_value(metrics, "hub_delivery_outcomes_total", recipient=FAILING, outcome="parked") or 0) >= 1

    lines = [r for r in _log_lines(hub) if r.get("message_id") == message_id and r.get("recipient") == FAILING]
    attempts = [r for r in lines if r["event"] == "delivery.attempt"]
    assert [r["attempt"] for r in attempts] == list(range(1, ATTEMPTS + 1))
    assert {(r["outcome"], r["reason"], r["channel"], r["level"]) for r in attempts} == {
        ("failed", "http.503", "webhook", "WARNING")}
    assert [r["stage"] for r in lines if r["event"] == "record.parked"] == ["delivery"]
    assert len(observed.server.calls_to("/gewerbeaufsicht")) >= ATTEMPTS


def test_a_parked_message_raises_the_dead_letter_gauge(observed: ObservedHub) -> None:
    hub = observed.hub

    def waiting() -> float:
        return _value(_metrics(hub), "hub_deadletters_waiting", reason="xml.malformed") or 0

    before = waiting()
    answer = hub.post(b"<xga:gewerbemeldung.0300><kaputt")
    assert answer.status == 400 and answer.body["code"] == "xml.malformed", answer.body
    wait_for(lambda: waiting() >= before + 1, "the dead-letter gauge to rise", timeout_s=30)


def _personal_values(sample: Path) -> set[str]:
    """Names, streets and birth dates in a sample, read from the elements that hold them."""
    values = set()
    for element in etree.parse(str(sample)).iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in PERSONAL_ELEMENTS:
            text = " ".join(str(t).strip() for t in element.itertext() if str(t).strip())
            if len(text) >= 4:
                values.add(text)
    return values


def test_the_logs_of_every_sample_hold_no_personal_data_and_no_token(observed: ObservedHub,
                                                                     shared_dir: Path) -> None:
    hub = observed.hub
    samples = sorted((shared_dir / "samples").glob("*/*.xml"))
    personal = set().union(*(_personal_values(s) for s in samples))
    assert {"Mustermann", "Musterfrau", "1985-04-12"} <= personal  # the reader finds what the samples hold
    routed: list[str] = []
    for sample in samples:
        answer = hub.post(sample.read_bytes())
        if answer.status != 202:
            assert 400 <= answer.status < 500 and answer.body.get("code"), (sample.name, answer.body)
            continue
        message_id = answer.body["message_id"]
        timeline = hub.wait_for_timeline(answer.body["case_id"], lambda t, m=message_id: any(
            e.get("message_id") == m and e["status"] in ("routed", "rejected") for e in t))
        if any(e.get("message_id") == message_id and e["status"] == "routed" for e in timeline):
            routed.append(message_id)
    assert routed, "no sample was routed"

    wait_for(lambda: {r.get("message_id") for r in _log_lines(hub) if r["event"] == "message.routed"} >= set(routed),
             "a routed line for every routed sample")
    log = hub.log_path.read_text(encoding="utf-8")
    assert not [value for value in personal if value in log]
    assert observed.token not in log
    routed_lines = [r for r in _log_lines(hub) if r["event"] == "message.routed"]
    assert all(r["level"] == "INFO" for r in routed_lines)
