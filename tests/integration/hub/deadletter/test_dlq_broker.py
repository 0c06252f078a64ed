"""`hub dlq` against the real broker: items parked as the hub parks them are listed, shown and replayed."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner, Result
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from hub import pipeline
from hub.app.factory import load_routing
from hub.app.web import read_or_error
from hub.cli.dlq import dlq_group
from hub.ingest.accept import Acceptor
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Origin
from hub.ingest.state import MemoryIngestState
from hub.settings import Settings, get_settings
from topics.admin import ensure_topics
from topics.catalogue import STATIC_TOPICS, Catalogue
from topics.envelope import REPLAY_HEADER

pytestmark = pytest.mark.integration

MALFORMED = b"<xga:kaputt"


@dataclass(frozen=True)
class Deployment:
    bootstrap: str
    catalogue: Catalogue
    env: dict[str, str]
    unroutable: bytes

    def dlq(self, *args: str, input: str | None = None) -> Result:
        """Run `hub dlq ARGS` with this deployment's HUB_* settings (get_settings is cached, hence the clears)."""
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(dlq_group, list(args), env=self.env, input=input)
        finally:
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def deployment(kafka_bootstrap: str, anmeldung_bensheim: bytes) -> Iterator[Deployment]:
    """A fresh uuid-prefixed set of topics with two items parked as the hub parks them: one refused over HTTP, one by
    the worker."""
    run_id = uuid.uuid4().hex[:12]
    catalogue = Catalogue(prefix=f"it-{run_id}.", app_id=f"hub-it-{run_id}", partitions=3)
    ensure_topics(kafka_bootstrap, [t for t in catalogue.all_topics() if t.spec in STATIC_TOPICS],
                  replication_factor=1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    routing = dataclasses.replace(load_routing(Settings()), catalogue=catalogue)
    unroutable = anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>")
    acceptor = Acceptor(routing)
    _outcome, refused = acceptor.decide(MALFORMED, read_or_error(MALFORMED, 1_000_000), sender=lambda _a: True)
    key = ordering_key(pipeline.read(unroutable, max_bytes=1_000_000).envelope, routing.directory).encode()
    parked = IngestProcessor(routing, max_bytes=1_000_000).process(
        unroutable, key, [], Origin(catalogue.trade_ingest, 1, 17), MemoryIngestState())
    try:
        for out in [*refused, *parked]:
            producer.send(out.topic, key=out.key, value=out.value, headers=out.headers).get(timeout=30)
    finally:
        producer.close()
    env = {"HUB_KAFKA_BOOTSTRAP": kafka_bootstrap, "HUB_TOPIC_PREFIX": catalogue.prefix, "HUB_APP_ID": catalogue.app_id}
    yield Deployment(kafka_bootstrap, catalogue, env, unroutable)


@pytest.fixture(scope="module")
def anmeldung_bensheim() -> bytes:
    path = Settings().shared_dir / "samples" / "xgewerbeanzeige" / "01_gewerbemeldung.0300_anmeldung_bensheim.xml"
    return path.read_bytes()


def _listed(deployment: Deployment, *args: str) -> list[dict[str, Any]]:
    result = deployment.dlq("list", "--json", *args)
    assert result.exit_code == 0, result.output
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return items


def _read_all(bootstrap: str, topic: str, *, expect: int, timeout_s: float = 30) -> list[Any]:
    """Every record on `topic` from the beginning, once at least `expect` have arrived."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while len(records) < expect and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records += batch
        return records
    finally:
        consumer.close()


def test_list_shows_both_items_with_reason_and_origin(deployment: Deployment) -> None:
    result = deployment.dlq("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "2 parked item(s)."
    malformed = next(line for line in lines if "xml.malformed" in line)
    unroutable = next(line for line in lines if "routing.unknown_municipality" in line)
    assert malformed.split()[4] == "http"
    assert f"{deployment.catalogue.trade_ingest}[1]@17" in unroutable and "MELDID:09162000" in unroutable


def test_show_prints_every_field(deployment: Deployment) -> None:
    [item] = _listed(deployment, "--reason", "routing")
    result = deployment.dlq("show", item["id"][:8])
    assert result.exit_code == 0, result.output
    for line in ("reason_code:  routing.unknown_municipality", f"topic:        {deployment.catalogue.trade_ingest}",
                 "partition:    1", "offset:       17", "attempts:     1", "standard:     XGewerbeanzeige",
                 f"case_id:      {item['case_id']}", "origin:       worker"):
        assert line in result.output
    assert "<?xml" not in result.output
    assert "<?xml" in deployment.dlq("show", item["id"], "--payload").output


def test_reason_filter(deployment: Deployment) -> None:
    assert [i["reason_code"] for i in _listed(deployment, "--reason", "xml.")] == ["xml.malformed"]
    assert [i["reason_code"] for i in _listed(deployment, "--reason", "routing.unknown_municipality")] == [
        "routing.unknown_municipality"]
    assert _listed(deployment, "--reason", "hub.") == []


def test_a_missing_topic_is_a_clear_error(deployment: Deployment) -> None:
    env = {**deployment.env, "HUB_TOPIC_PREFIX": f"it-missing-{uuid.uuid4().hex[:8]}."}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(dlq_group, ["list"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "hub.deadletter does not exist" in result.output


def test_replay_puts_the_valid_one_on_ingest_and_skips_the_malformed(deployment: Deployment) -> None:
    by_reason = {i["reason_code"]: i for i in _listed(deployment)}
    valid, malformed = by_reason["routing.unknown_municipality"], by_reason["xml.malformed"]

    result = deployment.dlq("replay", valid["id"][:8])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("1 replayed, 0 skipped")
    [record] = _read_all(deployment.bootstrap, deployment.catalogue.trade_ingest, expect=1)
    assert record.value == deployment.unroutable
    assert record.key == pipeline.read(deployment.unroutable, max_bytes=10**6).envelope.case_id.encode()
    assert (REPLAY_HEADER, b"1") in record.headers
    assert [i["id"] for i in _listed(deployment)] == [malformed["id"]]

    skipped = deployment.dlq("replay", "--all", "--yes")
    assert skipped.exit_code == 0, skipped.output
    assert f"skipped {malformed['id'][:8]}: the standard cannot be determined" in skipped.output
    assert skipped.output.rstrip().endswith("0 replayed, 1 skipped")
    assert [i["id"] for i in _listed(deployment)] == [malformed["id"]]
