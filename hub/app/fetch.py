"""Reading one record of the delivery stream by partition and offset: the payload of a pull-inbox entry.

One consumer per worker, outside any consumer group (it commits nothing), started on first use; fetches are
serialised, as a consumer's position is shared state.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from topics.catalogue import MAX_RECORD_BYTES

FETCH_TIMEOUT_S = 10.0


class RecordGone(Exception):
    """The record is no longer on the topic (retention removed it) or could not be read in time."""


class RecordFetcher:
    """Fetches single records of one topic."""

    def __init__(self, bootstrap: str, topic: str, client_options: dict[str, Any] | None = None) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.client_options = client_options or {}
        self._consumer: AIOKafkaConsumer | None = None
        self._lock = asyncio.Lock()

    async def fetch(self, partition: int, offset: int) -> bytes:
        """The value of the record at (partition, offset); RecordGone when it cannot be read."""
        async with self._lock:
            consumer = await self._ready()
            tp = TopicPartition(self.topic, partition)
            consumer.assign([tp])
            consumer.seek(tp, offset)
            try:
                record = await asyncio.wait_for(consumer.getone(tp), timeout=FETCH_TIMEOUT_S)
            except TimeoutError as exc:
                raise RecordGone(f"{self.topic}[{partition}]@{offset} could not be read in time") from exc
            if record.offset != offset or record.value is None:
                raise RecordGone(f"{self.topic}[{partition}]@{offset} is no longer on the topic")
            return bytes(record.value)

    async def _ready(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                        auto_offset_reset="none", fetch_max_bytes=MAX_RECORD_BYTES * 2,
                                        max_partition_fetch_bytes=MAX_RECORD_BYTES * 2, **self.client_options)
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def close(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
