"""The raw Kafka ceiling: aiokafka consume → produce of the same message bytes, acks=all, 1 MB batches.

What the hub does at the least — read a record, write it on, commit — without reading XML, routing or status
events; the hub's end-to-end rate is compared with it on the same broker in the same run.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from hub.bench.errors import BenchError
from hub.bench.messages import Generated
from hub.bench.stats import rate
from topics.admin import ensure_topics
from topics.benchmark import passthrough_topics
from topics.catalogue import Catalogue

BATCH_BYTES = 1024 * 1024
LINGER_MS = 5
MAX_REQUEST_BYTES = 4 * BATCH_BYTES
IDLE_TIMEOUT_S = 60.0  # no record for this long while records are still due: the phase fails
WARM_UP_RECORDS = 1000  # passed untimed first, so group coordination and JIT warm-up stay out of the figure


@dataclass(frozen=True)
class PassthroughFigures:
    """Records and bytes per second passed through, and the average record size."""

    records: int
    records_per_s: float | None
    megabytes_per_s: float | None
    mean_bytes: float


def producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_batch_size=BATCH_BYTES,
                            linger_ms=LINGER_MS, max_request_size=MAX_REQUEST_BYTES)


async def _fill(bootstrap: str, topic: str, messages: Iterable[Generated]) -> tuple[int, int]:
    """Write the messages to `topic` and wait for every ack; returns (records, bytes)."""
    out = producer(bootstrap)
    await out.start()
    try:
        pending = []
        count = size = 0
        for message in messages:
            pending.append(await out.send(topic, value=message.body, key=uuid.uuid4().bytes))
            count, size = count + 1, size + len(message.body)
        await asyncio.gather(*pending)
    finally:
        await out.stop()
    return count, size


async def _pass(bootstrap: str, source: str, sink: str, expected: int) -> float:
    """Consume `expected` records from `source`, produce each to `sink`, commit after each batch's acks; returns
    the seconds from the first record received to the last commit."""
    consumer = AIOKafkaConsumer(source, bootstrap_servers=bootstrap, group_id=f"bench-passthrough-{uuid.uuid4()}",
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                max_partition_fetch_bytes=BATCH_BYTES)
    out = producer(bootstrap)
    await consumer.start()
    await out.start()
    try:
        passed, first, last_record = 0, None, time.monotonic()
        while passed < expected:
            batches = await consumer.getmany(timeout_ms=500)
            if not batches:
                if time.monotonic() - last_record > IDLE_TIMEOUT_S:
                    raise BenchError("passthrough", f"only {passed} of {expected} records arrived from {source}")
                continue
            first = first if first is not None else time.monotonic()
            last_record = time.monotonic()
            sends = [await out.send(sink, value=r.value, key=r.key, headers=r.headers)
                     for records in batches.values() for r in records]
            await asyncio.gather(*sends)
            await consumer.commit()
            passed += len(sends)
        return time.monotonic() - (first or 0.0)
    finally:
        await out.stop()
        await consumer.stop()


async def passthrough(bootstrap: str, catalogue: Catalogue, standard: str, messages: Iterable[Generated], *,
                      replication_factor: int, progress: Callable[[str], None]) -> PassthroughFigures:
    """Fill a fresh source topic (prefix and partitions of `catalogue`) with `messages`, then time the
    consume → produce → commit loop over them."""
    source, sink = passthrough_topics(catalogue, standard)
    await asyncio.to_thread(ensure_topics, bootstrap, [source, sink], replication_factor=replication_factor)
    count, size = await _fill(bootstrap, source.name, messages)
    if not count:
        raise BenchError("passthrough", f"no {standard} messages to pass through")
    progress(f"passthrough {standard}: {count} records ({size / count / 1024:.1f} KB each) written, passing …")
    await _pass(bootstrap, source.name, sink.name, min(count, WARM_UP_RECORDS))
    seconds = await _pass(bootstrap, source.name, sink.name, count)
    records_per_s = rate(count, seconds)
    return PassthroughFigures(count, records_per_s, rate(size, seconds * 1024 * 1024), size / count)
