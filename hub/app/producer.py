"""Producing a batch of records: every send is started before any is awaited, so a phase costs one round trip.

The app's producer writes with acks=all; a batch counts as written only when every record of it is acknowledged.
A batch becomes durable in two phases: first what it produces (copies, status events, pushes), then the table
changelog records that note having produced it. A crash between the two leaves the state behind the output, never
ahead of it, so the re-processed batch produces its output again instead of believing it was sent. A failed phase is
sent again whole: its records are idempotent downstream (the timeline and the delivery stage file each step and copy
once, table writes are the same writes again), and dropping one would lose a message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Sequence
from typing import Any

from hub.ingest.records import Out

log = logging.getLogger(__name__)
RETRY_DELAY_S = 1.0

Written = Callable[[Sequence[Out], Sequence[Any]], None]  # (records, their RecordMetadata) once acknowledged


class Sender:
    """Sends `Out`s with the faust app's producer; `on_written` learns where each acknowledged record landed.
    Records on `state_topics` (the tables' changelogs) are sent only after every other record of the batch."""

    def __init__(self, app: Any, on_written: Written | None = None, state_topics: Collection[str] = ()) -> None:
        self.app = app
        self.on_written = on_written
        self.state_topics = frozenset(state_topics)

    def phases(self, outs: Sequence[Out]) -> list[list[Out]]:
        """The batch's records in the order they become durable: its output, then its state."""
        output = [o for o in outs if o.topic not in self.state_topics]
        state = [o for o in outs if o.topic in self.state_topics]
        return [phase for phase in (output, state) if phase]

    async def send(self, outs: Sequence[Out]) -> None:
        """Send all, phase by phase, and wait until Kafka acknowledged every one; raises the first failure."""
        for phase in self.phases(outs):
            await self._send(phase)

    async def send_until_written(self, outs: Sequence[Out]) -> None:
        """`send`, each phase repeated until it succeeds; for stages, which must not give up on a batch
        (cancellation stops it)."""
        for phase in self.phases(outs):
            attempt = 0
            while True:
                try:
                    await self._send(phase)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # Kafka unavailable or a record refused: try the phase again
                    attempt += 1
                    log.warning("writing %d records failed (%s), attempt %d; trying again", len(phase),
                                type(exc).__name__, attempt)
                    await asyncio.sleep(min(RETRY_DELAY_S * attempt, 30.0))

    async def _send(self, outs: Sequence[Out]) -> None:
        producer = self.app.producer
        pending = [await producer.send(o.topic, o.key, o.value, o.partition, None, o.headers) for o in outs]
        written = await asyncio.gather(*pending)
        if self.on_written is not None:
            self.on_written(outs, written)
