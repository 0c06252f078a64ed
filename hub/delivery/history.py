"""Sending one recipient's history again: the copies of a time or offset range on the delivery stream, re-sent
marked as a replay so the delivery stage gives them even to a recipient that was given them before.

Nothing else ever re-sends history: a channel added or changed later serves only what arrives afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from hub.delivery.served import REPLAY_DELIVERY_HEADER
from hub.ingest.ordering import partition_of
from hub.ingest.records import Out
from topics.catalogue import MAX_RECORD_BYTES

POLL_MS = 500


class HistoryError(Exception):
    """The range cannot be read: no such partition, offsets outside the log, or Kafka did not answer."""


@dataclass(frozen=True)
class Range:
    """A half-open range [start, end) of offsets in the recipient's partition of the delivery stream."""

    partition: int
    start: int
    end: int


def replayed(records: Iterable[Any], recipient: str, topic: str) -> Iterator[Out]:
    """The recipient's copies among `records`, as records that send them again."""
    key = recipient.encode()
    for record in records:
        if record.key != key or record.value is None:
            continue
        headers = [(k, bytes(v)) for k, v in (record.headers or []) if k != REPLAY_DELIVERY_HEADER]
        yield Out(topic, key, bytes(record.value), [*headers, (REPLAY_DELIVERY_HEADER, b"1")])


def resolve(consumer: KafkaConsumer, topic: str, recipient: str, partitions: int, *,
            since: datetime | None = None, until: datetime | None = None,
            offsets: tuple[int, int] | None = None) -> Range:
    """The offsets to replay for `recipient`: given directly, or found for the time range."""
    tp = TopicPartition(topic, partition_of(recipient.encode(), partitions))
    first, last = consumer.beginning_offsets([tp])[tp], consumer.end_offsets([tp])[tp]
    if offsets is not None:
        start, end = offsets
        if start < first or end > last or start > end:
            raise HistoryError(f"offsets {start}-{end} are outside {topic}[{tp.partition}], which holds "
                               f"{first}-{last}")
        return Range(tp.partition, start, end)
    start = _offset_at(consumer, tp, since, first)
    end = _offset_at(consumer, tp, until, last)
    return Range(tp.partition, start, max(start, end))


def _offset_at(consumer: KafkaConsumer, tp: TopicPartition, when: datetime | None, default: int) -> int:
    if when is None:
        return default
    found = consumer.offsets_for_times({tp: int(when.timestamp() * 1000)})[tp]
    return default if found is None else int(found.offset)


def read_range(consumer: KafkaConsumer, topic: str, span: Range, *, timeout_s: float = 120.0,
               progress: Callable[[int], None] = lambda _n: None) -> list[Any]:
    """Every record of the range, in offset order."""
    tp = TopicPartition(topic, span.partition)
    consumer.assign([tp])
    consumer.seek(tp, span.start)
    records: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while consumer.position(tp) < span.end:
        if time.monotonic() > deadline:
            raise HistoryError(f"reading {topic}[{span.partition}] did not reach offset {span.end} in time")
        for batch in consumer.poll(timeout_ms=POLL_MS).values():
            records += [r for r in batch if r.offset < span.end]
        progress(len(records))
    return records


def history_consumer(bootstrap: str, **options: Any) -> KafkaConsumer:
    """A consumer outside any group: reading history commits nothing and disturbs no worker."""
    return KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                         client_id="municipal-hub-replay", max_partition_fetch_bytes=MAX_RECORD_BYTES * 2,
                         fetch_max_bytes=MAX_RECORD_BYTES * 2, **options)
