"""Kafka-state gauges on the real broker: lag from produced and committed records, and the dead letters waiting on a
compacted topic, read incrementally."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

from hub.deadletter.depth import DeadLetterDepth
from hub.kafka.offsets import KafkaOffsetReader
from monitoring.kafka_state import KafkaStateCollector
from monitoring.metrics import CONSUMER_LAG, DEADLETTERS_WAITING, KAFKA_UP, UNKNOWN
from tests.support.metrics import samples
from topics.envelope import DEADLETTER_HEADER, DeadLetter, to_header

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Cluster:
    bootstrap: str
    ingest: str
    retry: str
    deadletter: str
    group: str


@pytest.fixture(scope="module")
def cluster(kafka_bootstrap: str) -> Iterator[Cluster]:
    run = uuid.uuid4().hex[:12]
    names = Cluster(kafka_bootstrap, f"it-{run}.ingest", f"it-{run}.retry", f"it-{run}.deadletter", f"it-{run}-group")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="test-kafka-state")
    admin.create_topics([NewTopic(names.ingest, 2, 1), NewTopic(names.retry, 1, 1),
                         NewTopic(names.deadletter, 1, 1, topic_configs={"cleanup.policy": "compact"})])
    try:
        yield names
    finally:
        admin.delete_topics([names.ingest, names.retry, names.deadletter])
        admin.delete_groups([names.group])
        admin.close()


Record = tuple[str, int, bytes | None, bytes | None, list[tuple[str, bytes]]]  # topic, partition, key, value, headers


def _produce(bootstrap: str, records: Sequence[Record]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for topic, partition, key, value, headers in records:
            producer.send(topic, key=key, value=value, partition=partition, headers=headers).get(timeout=30)
    finally:
        producer.close()


def _commit(cluster: Cluster, offsets: dict[TopicPartition, int]) -> None:
    """Commit as a member of the group would after processing up to (not including) each offset."""
    consumer = KafkaConsumer(bootstrap_servers=cluster.bootstrap, group_id=cluster.group, enable_auto_commit=False)
    try:
        consumer.assign(list(offsets))
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()})
    finally:
        consumer.close()


def _lag(cluster: Cluster, topic: str, partition: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    return CONSUMER_LAG.name, (("group", cluster.group), ("partition", str(partition)), ("topic", topic))


def test_lag_follows_produced_and_committed_offsets(cluster: Cluster) -> None:
    _produce(cluster.bootstrap, [(cluster.ingest, 0, b"k", b"v", [])] * 5 + [(cluster.ingest, 1, b"k", b"v", [])] * 2
             + [(cluster.retry, 0, b"r", b"v", [])] * 3)
    reader = KafkaOffsetReader(cluster.bootstrap, timeout_s=10)
    collector = KafkaStateCollector(reader, {cluster.group: [cluster.ingest, cluster.retry]}, max_age_s=0)
    try:
        collector.refresh()
        before = samples(collector)
        assert before[(KAFKA_UP.name, ())] == 1
        assert before[_lag(cluster, cluster.ingest, 0)] == 5  # the group never committed: everything is ahead
        assert before[_lag(cluster, cluster.ingest, 1)] == 2
        assert before[_lag(cluster, cluster.retry, 0)] == 3

        _commit(cluster, {TopicPartition(cluster.ingest, 0): 4, TopicPartition(cluster.ingest, 1): 2,
                          TopicPartition(cluster.retry, 0): 1})
        collector.refresh()
        after = samples(collector)
        assert after[_lag(cluster, cluster.ingest, 0)] == 1
        assert after[_lag(cluster, cluster.ingest, 1)] == 0
        assert after[_lag(cluster, cluster.retry, 0)] == 2
    finally:
        reader.close()


def test_offsets_since_a_time_find_each_partitions_first_record_that_recent(kafka_bootstrap: str) -> None:
    topic = f"it-{uuid.uuid4().hex[:12]}.since"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="test-offsets-since")
    admin.create_topics([NewTopic(topic, 2, 1)])
    now_ms = int(time.time() * 1000)
    two_hours_ago = now_ms - 2 * 3600 * 1000
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    reader = KafkaOffsetReader(kafka_bootstrap, timeout_s=10)
    try:
        for partition, stamps in ((0, [two_hours_ago] * 3 + [now_ms] * 2), (1, [two_hours_ago] * 4)):
            for stamp in stamps:
                producer.send(topic, b"v", partition=partition, timestamp_ms=stamp).get(timeout=30)
        since = reader.offsets_since([topic, f"{topic}.absent"], now_ms - 3600 * 1000)
        assert since == {(topic, 0): 3, (topic, 1): None}  # p0: offsets 3 and 4 are recent; p1: none is
        assert {(o.partition, o.end) for o in reader.log_offsets([topic])} == {(0, 5), (1, 4)}
    finally:
        reader.close()
        producer.close()
        admin.delete_topics([topic])
        admin.close()


def test_topics_not_created_yet_are_left_out(cluster: Cluster) -> None:
    reader = KafkaOffsetReader(cluster.bootstrap, timeout_s=10)
    try:
        collector = KafkaStateCollector(reader, {cluster.group: [f"{cluster.ingest}.absent"]})
        collector.refresh()
        assert samples(collector) == {(KAFKA_UP.name, ()): 1}
    finally:
        reader.close()


def test_dead_letters_are_counted_from_the_topic_and_follow_tombstones(cluster: Cluster) -> None:
    def parked(item_id: str, reason: str, recipient: str | None) -> Record:
        record = DeadLetter(id=item_id, reason_code=reason, reason="test", origin="worker", recipient=recipient)
        return cluster.deadletter, 0, item_id.encode(), b"<kaputt", [to_header(DEADLETTER_HEADER, record)]

    _produce(cluster.bootstrap, [parked("a", "delivery.failed", "xga:06431000"),
                                 parked("b", "delivery.failed", "xga:06431000"), parked("c", "xml.malformed", None)])
    depth = DeadLetterDepth(cluster.bootstrap, cluster.deadletter, max_bytes=1_000_000, timeout_s=10)
    try:
        assert depth.counts() == {("delivery.failed", "xga:06431000"): 2, ("xml.malformed", UNKNOWN): 1}
        _produce(cluster.bootstrap, [(cluster.deadletter, 0, b"a", None, []), parked("d", "xml.malformed", None)])
        collector = KafkaStateCollector(KafkaOffsetReader(cluster.bootstrap), {}, deadletters=depth.counts)
        collector.refresh()
        found = samples(collector)
        assert found[(DEADLETTERS_WAITING.name, (("authority", "xga:06431000"), ("reason", "delivery.failed")))] == 1
        assert found[(DEADLETTERS_WAITING.name, (("authority", UNKNOWN), ("reason", "xml.malformed")))] == 2
    finally:
        depth.close()


def test_an_unreachable_broker_answers_quickly_as_down() -> None:
    collector = KafkaStateCollector(KafkaOffsetReader("127.0.0.1:1", timeout_s=2), {"g": ["t"]})
    collector.refresh()
    assert samples(collector) == {(KAFKA_UP.name, ()): 0}
