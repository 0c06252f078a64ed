"""Reading one partition of a topic from its start to its current end, outside any consumer group, keeping only the
records a predicate wants: what the operator tools (`hub trace`, `hub replay`) need, without disturbing a worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from topics.catalogue import MAX_RECORD_BYTES

POLL_MS = 500


class ScanTimeout(Exception):
    """The partition's end was not reached in time."""


def tool_consumer(bootstrap: str, client_id: str, **options: Any) -> KafkaConsumer:
    """A consumer outside any group: reading commits nothing and disturbs no worker."""
    return KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, client_id=client_id,
                         max_partition_fetch_bytes=MAX_RECORD_BYTES * 2, fetch_max_bytes=MAX_RECORD_BYTES * 2,
                         **options)


def scan(consumer: KafkaConsumer, topic: str, partition: int, keep: Callable[[Any], bool], *,
         start: int | None = None, end: int | None = None, timeout_s: float = 300.0,
         progress: Callable[[int, int], None] = lambda _done, _total: None) -> list[Any]:
    """The records of [start, end) of topic[partition] (default: all of it now) that `keep` accepts."""
    tp = TopicPartition(topic, partition)
    consumer.assign([tp])
    first = consumer.beginning_offsets([tp])[tp] if start is None else start
    last = consumer.end_offsets([tp])[tp] if end is None else end
    consumer.seek(tp, first)
    kept: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while consumer.position(tp) < last:
        if time.monotonic() > deadline:
            raise ScanTimeout(f"reading {topic}[{partition}] did not reach offset {last} within {timeout_s:.0f} s")
        for batch in consumer.poll(timeout_ms=POLL_MS).values():
            kept += [r for r in batch if r.offset < last and keep(r)]
        progress(consumer.position(tp) - first, last - first)
    return kept
