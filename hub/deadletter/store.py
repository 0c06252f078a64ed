"""The current dead letters: read the compacted dead-letter topic to its end and fold it by key; write tombstones.

The topic is keyed by the dead-letter id: the latest record under a key is the item, a tombstone (null value)
removes it. Reading never joins a consumer group, so listing commits nothing and disturbs no worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from pydantic import ValidationError

from hub.deadletter import BrokerUnavailable, DeadLetterError, TopicMissing
from hub.kafka.reachable import unreachable
from topics.catalogue import MAX_RECORD_BYTES
from topics.envelope import DEADLETTER_HEADER, DeadLetter, from_headers

log = logging.getLogger(__name__)

CLIENT_ID = "municipal-hub-dlq"
UNREADABLE_HEADER = "deadletter.unreadable_header"  # reason_code of a record whose hub-deadletter header is bad
T = TypeVar("T")


@dataclass(frozen=True)
class ParkedItem:
    """One parked record as it stands now: its key (`id`), why it was parked, the original bytes, where it sits."""

    id: str
    record: DeadLetter
    payload: bytes
    partition: int
    offset: int


class RecordLike(Protocol):
    """What folding needs of a consumed record; kafka-python's ConsumerRecord has it, tests use plain objects."""

    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]] | None: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def timestamp(self) -> int: ...


class SendFuture(Protocol):
    def get(self, timeout: float | None = None) -> Any: ...


class Producer(Protocol):
    """The part of kafka-python's KafkaProducer the tooling uses; tests pass a recorder."""

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None,
             headers: list[tuple[str, bytes]] | None = None, partition: int | None = None) -> SendFuture: ...

    def flush(self, timeout: float | None = None) -> None: ...


def fold(records: Iterable[RecordLike]) -> list[ParkedItem]:
    """The items left after applying `records` in the order given; sorted by parked_at, then position.

    A later record under a key replaces the earlier one, a null value removes the key. An empty value (b"") is a
    real item (an empty body was parked). Records without a key cannot be addressed and are skipped.
    """
    current: dict[str, ParkedItem] = {}
    fold_into(current, records, lambda record, item_id: ParkedItem(
        item_id, dead_letter_of(record, item_id), record.value or b"", record.partition, record.offset))
    return sorted(current.values(), key=lambda i: (i.record.parked_at, i.partition, i.offset))


def fold_into(current: dict[str, T], records: Iterable[RecordLike], make: Callable[[RecordLike, str], T]) -> None:
    """Apply `records` to `current` (dead-letter id -> what `make` keeps of the record) as `fold` does."""
    for record in records:
        if record.key is None:
            log.warning("dead-letter record without key at partition %d offset %d skipped",
                        record.partition, record.offset)
            continue
        item_id = record.key.decode("utf-8", errors="replace")
        if record.value is None:
            current.pop(item_id, None)
        else:
            current[item_id] = make(record, item_id)


def dead_letter_of(record: RecordLike, item_id: str) -> DeadLetter:
    """The record's DeadLetter header; a missing or invalid one becomes a stand-in, so the item stays visible."""
    try:
        found = from_headers(record.headers, DEADLETTER_HEADER, DeadLetter)
    except ValidationError:
        found = None
        detail = f"the {DEADLETTER_HEADER} header is not a valid dead-letter record"
    else:
        detail = f"the record has no {DEADLETTER_HEADER} header"
    if found is not None:
        return found
    parked_at = datetime.fromtimestamp(max(record.timestamp, 0) / 1000, UTC)
    return DeadLetter(id=item_id, reason_code=UNREADABLE_HEADER, reason=detail, origin="unknown", parked_at=parked_at)


def read_parked(bootstrap: str, topic: str, *, timeout_s: float = 30.0,
                client: Mapping[str, Any] | None = None) -> list[ParkedItem]:
    """Every item currently parked on `topic`, read up to the end offsets taken at the start; `client` holds the
    connection settings (hub.kafka.client_config.kafka_python_kwargs).

    Raises TopicMissing when the topic does not exist and BrokerUnavailable when Kafka does not answer or the
    end is not reached within `timeout_s`.
    """
    _check_reachable(bootstrap, timeout_s)
    try:
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                 client_id=CLIENT_ID, allow_auto_create_topics=False,
                                 bootstrap_timeout_ms=int(timeout_s * 1000), **(client or {}))
    except KafkaError as exc:
        raise BrokerUnavailable(f"Kafka at {bootstrap} does not answer: {exc}") from exc
    try:
        records = _read_to_end(consumer, bootstrap, topic, timeout_s)
    except KafkaError as exc:
        raise BrokerUnavailable(f"reading {topic} from Kafka at {bootstrap} failed: {exc}") from exc
    finally:
        consumer.close()
    records.sort(key=lambda r: (r.partition, r.offset))
    return fold(records)


def _check_reachable(bootstrap: str, timeout_s: float) -> None:
    """Fail fast, and cleanly, when no bootstrap address accepts a TCP connection (see hub.kafka.reachable)."""
    problem = unreachable(bootstrap, timeout_s)
    if problem is not None:
        raise BrokerUnavailable(f"Kafka at {bootstrap} does not answer ({problem})")


def _read_to_end(consumer: Any, bootstrap: str, topic: str, timeout_s: float) -> list[RecordLike]:
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise TopicMissing(f"topic {topic} does not exist on {bootstrap}; check HUB_TOPIC_PREFIX, or let "
                           "`hub run` create the topics")
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)
    return read_available(consumer, assigned, topic, timeout_s)


def read_available(consumer: Any, assigned: Sequence[Any], topic: str, timeout_s: float) -> list[RecordLike]:
    """The records from each assigned partition's position up to its end offset taken now.

    Raises BrokerUnavailable when the end is not reached within `timeout_s`.
    """
    records, complete = poll_available(consumer, assigned, timeout_s)
    if not complete:
        raise BrokerUnavailable(f"reading {topic} did not reach its end within {timeout_s:.0f} s")
    return records


def poll_available(consumer: Any, assigned: Sequence[Any], timeout_s: float, *,
                   keep_later: bool = False) -> tuple[list[RecordLike], bool]:
    """Poll each assigned partition from its position towards its end offset taken now, for at most `timeout_s`;
    the records read, and whether every end was reached.

    A poll may bring records past those ends: they are dropped (not part of this snapshot) unless `keep_later`,
    for a caller that reads on from the consumer's position next time.
    """
    end: dict[Any, int] = consumer.end_offsets(list(assigned))
    deadline = time.monotonic() + timeout_s
    records: list[RecordLike] = []
    pending = [tp for tp in assigned if consumer.position(tp) < end[tp]]
    while pending:
        if time.monotonic() > deadline:
            return records, False
        for tp, batch in consumer.poll(timeout_ms=500).items():
            records += [r for r in batch if keep_later or r.offset < end[tp]]
        pending = [tp for tp in pending if consumer.position(tp) < end[tp]]
    return records, True


def open_producer(bootstrap: str, *, timeout_s: float = 30.0, client: Mapping[str, Any] | None = None) -> Any:
    """A KafkaProducer that waits for every in-sync replica (acks=all) and takes records as large as the topics;
    `client` holds the connection settings."""
    _check_reachable(bootstrap, timeout_s)
    try:
        return KafkaProducer(bootstrap_servers=bootstrap, acks="all", client_id=CLIENT_ID,
                             max_request_size=MAX_RECORD_BYTES, bootstrap_timeout_ms=int(timeout_s * 1000),
                             **(client or {}))
    except KafkaError as exc:
        raise BrokerUnavailable(f"Kafka at {bootstrap} does not answer: {exc}") from exc


def produce(producer: Producer, topic: str, *, key: bytes | None, value: bytes | None,
            headers: list[tuple[str, bytes]] | None = None, partition: int | None = None,
            timeout_s: float = 30.0) -> None:
    """Send one record and return only once Kafka has acknowledged it; BrokerUnavailable says why not."""
    try:
        future = producer.send(topic, value=value, key=key, headers=headers or [], partition=partition)
        producer.flush(timeout=timeout_s)
        future.get(timeout=timeout_s)
    except KafkaError as exc:
        raise BrokerUnavailable(f"Kafka did not acknowledge the record on {topic}: {exc}") from exc


def tombstone(producer: Producer, topic: str, item_id: str, *, partition: int | None = None,
              timeout_s: float = 30.0) -> None:
    """Remove the item `item_id` from `topic`: a null value under its key, acknowledged before returning.

    Pass the item's `partition`: compaction works per partition, so the tombstone must land beside the item.
    """
    if not item_id:
        raise DeadLetterError("a tombstone needs the item's id")
    produce(producer, topic, key=item_id.encode(), value=None, partition=partition, timeout_s=timeout_s)
