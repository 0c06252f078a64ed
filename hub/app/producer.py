"""Producing a batch of records: every send is started before any is awaited, so a batch costs one round trip.

The app's producer writes with acks=all; a batch counts as written only when every record of it is acknowledged.
A failed batch is sent again whole: its records are idempotent downstream (the timeline and the delivery stage file
each step and copy once, table writes are the same writes again), and dropping one would lose a message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from hub.ingest.records import Out

log = logging.getLogger(__name__)
RETRY_DELAY_S = 1.0

Written = Callable[[Sequence[Out], Sequence[Any]], None]  # (records, their RecordMetadata) once acknowledged


class Sender:
    """Sends `Out`s with the faust app's producer; `on_written` learns where each acknowledged record landed."""

    def __init__(self, app: Any, on_written: Written | None = None) -> None:
        self.app = app
        self.on_written = on_written

    async def send(self, outs: Sequence[Out]) -> None:
        """Send all and wait until Kafka acknowledged every one; raises the first failure."""
        if not outs:
            return
        producer = self.app.producer
        pending = [await producer.send(o.topic, o.key, o.value, o.partition, None, o.headers) for o in outs]
        written = await asyncio.gather(*pending)
        if self.on_written is not None:
            self.on_written(outs, written)

    async def send_until_written(self, outs: Sequence[Out]) -> None:
        """`send`, repeated until it succeeds; for stages, which must not give up on a batch (cancellation stops it)."""
        attempt = 0
        while True:
            try:
                await self.send(outs)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Kafka unavailable or a record refused: try the batch again
                attempt += 1
                log.warning("writing %d records failed (%s), attempt %d; trying again", len(outs),
                            type(exc).__name__, attempt)
                await asyncio.sleep(min(RETRY_DELAY_S * attempt, 30.0))
