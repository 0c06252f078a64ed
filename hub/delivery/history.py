"""Sending one recipient's history again: the copies of a time or offset range on the delivery stream, re-sent
marked as a replay so the delivery stage gives them even to a recipient that was given them before.

Nothing else ever re-sends history: a channel added or changed later serves only what arrives afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from hub.delivery.served import REPLAY_DELIVERY_HEADER
from hub.ingest.ordering import partition_of
from hub.ingest.records import Out
from hub.kafka.scan import ScanTimeout, scan, tool_consumer


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


def read_range(consumer: KafkaConsumer, topic: str, span: Range, recipient: str, *,
               timeout_s: float = 120.0) -> list[Any]:
    """The recipient's records of the range, in offset order."""
    key = recipient.encode()
    try:
        return scan(consumer, topic, span.partition, lambda r: r.key == key, start=span.start, end=span.end,
                    timeout_s=timeout_s)
    except ScanTimeout as exc:
        raise HistoryError(str(exc)) from exc


def history_consumer(bootstrap: str, **options: Any) -> KafkaConsumer:
    return tool_consumer(bootstrap, "municipal-hub-replay", **options)
