"""The benchmark's Kafka adapters on the real broker: the raw passthrough and the status watcher."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from kafka import KafkaConsumer

from hub.bench.broker import drop_topics
from hub.bench.messages import MessageFactory
from hub.bench.passthrough import passthrough
from hub.bench.tracker import Tracker
from hub.bench.watch import StatusWatcher
from topics.admin import ensure_topics
from topics.benchmark import passthrough_topics
from topics.catalogue import STATUS, Catalogue
from topics.envelope import Status, StatusEvent

pytestmark = pytest.mark.integration


def _read_all(bootstrap: str, topic: str, expect: int, timeout_s: float = 30) -> list[bytes]:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"it-{uuid.uuid4()}",
                             auto_offset_reset="earliest", enable_auto_commit=False)
    values: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(values) < expect and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                values += [r.value for r in records]
    finally:
        consumer.close()
    return values


def test_the_passthrough_passes_every_record_unchanged(kafka_bootstrap: str, shared_dir: Path) -> None:
    messages = list(MessageFactory(shared_dir / "samples", "XMeld").messages(300))
    catalogue = Catalogue(prefix=f"it-{uuid.uuid4().hex[:12]}.", partitions=3)
    lines: list[str] = []
    try:
        figures = asyncio.run(passthrough(kafka_bootstrap, catalogue, "XMeld", messages, replication_factor=1,
                                          progress=lines.append))
        _source, sink = passthrough_topics(catalogue, "XMeld")
        # an untimed warm-up pass of the same records comes first, so the sink holds each record twice
        passed = _read_all(kafka_bootstrap, sink.name, expect=600)
    finally:
        drop_topics(kafka_bootstrap, (catalogue.prefix,))
    assert figures.records == 300
    assert figures.records_per_s is not None and figures.records_per_s > 0
    assert figures.mean_bytes == sum(len(m.body) for m in messages) / 300
    assert Counter(passed) == Counter(m.body for m in messages for _ in range(2))
    assert lines


def test_the_watcher_completes_a_message_once_every_planned_recipient_was_delivered(kafka_bootstrap: str) -> None:
    catalogue = Catalogue(prefix=f"it-{uuid.uuid4().hex[:12]}.", app_id="bench-it", partitions=3)
    ensure_topics(kafka_bootstrap, [catalogue.resolve(STATUS, catalogue.status)], replication_factor=1)

    def event(message_id: str, status: Status, recipient: str | None = None) -> bytes:
        return StatusEvent(case_id=f"case-{message_id}", status=status, message_id=message_id,
                           recipient=recipient).model_dump_json().encode()

    async def scenario() -> tuple[list[str], list[str], Tracker]:
        tracker = Tracker()
        tracker.expect("m1", ["a:1", "b:2"])
        tracker.expect("m2", ["a:1", "b:2"])
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        try:
            for value in (event("m1", Status.ROUTED), event("m1", Status.DELIVERED, "a:1"),
                          event("m2", Status.DELIVERED, "a:1"), event("m1", Status.DELIVERED, "b:2")):
                await producer.send_and_wait(catalogue.status, value=value, key=value[:8])
        finally:
            await producer.stop()
        watcher = StatusWatcher(kafka_bootstrap, catalogue.status, tracker)
        await watcher.start()
        try:
            done = await watcher.wait_for(["m1"], 30, label="m1", progress=lambda _l: None, alive=lambda: True)
            left = await watcher.wait_for(["m1", "m2"], 1, label="m2", progress=lambda _l: None, alive=lambda: True)
        finally:
            await watcher.stop()
        return done, left, tracker

    try:
        done, left, tracker = asyncio.run(scenario())
    finally:
        drop_topics(kafka_bootstrap, (catalogue.prefix,))
    assert done == []
    assert left == ["m2"]  # b:2 never had its copy
    assert tracker.completed_at("m1") is not None
