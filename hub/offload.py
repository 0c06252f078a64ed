"""Reading the messages of an ingest batch, and deriving their recipients' copies, in a worker thread, so that no
body, however large, holds the event loop the API, /healthz and the worker share.

The worker processes a batch on the loop, because its state lives in the tables. The slow parts of that work are
pure: reading a message (parsing, XSD validation) and deriving every recipient's copy, which take seconds for a
message near the size limit. `prepare` does both for the whole batch in a worker thread first: it reads each
message and plans it once, keeping every copy derived. The processor's `read` then answers from here with a
reading whose `derive` returns the kept copies, so its own planning on the loop (routing is cheap, and may differ
once the message is filed in its case) only looks them up; a copy not kept is derived when asked for.

libxml2 releases the GIL while it parses, validates and serialises, and the Python steps in between yield at the
interpreter's switch interval. A tree is used by one thread at a time: the batch's trees reach the loop only once
the thread is done with them. The XBau schema is shared and validated under its own lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Sequence

from connectors.behoerde import Addressee
from connectors.reading import Reading
from hub import pipeline
from hub.ingest.records import from_api
from hub.pipeline import Routing

CopyKey = tuple[Addressee, tuple[str, ...]]  # the recipient and the paths its policy keeps


def keeping_copies(reading: Reading) -> Reading:
    """`reading` whose derive keeps each copy it makes, and answers the same request from what it kept."""
    kept: dict[CopyKey, bytes] = {}
    derive = reading.derive

    def kept_derive(recipient: Addressee, keep: Sequence[str]) -> bytes:
        key = (recipient, tuple(keep))
        if key not in kept:
            kept[key] = derive(recipient, keep)
        return kept[key]

    return dataclasses.replace(reading, derive=kept_derive)


class PreparedBatch:
    """The readings of the batch being processed, with their copies derived; anything else is read when asked."""

    def __init__(self, routing: Routing, *, max_bytes: int) -> None:
        self.routing = routing
        self.max_bytes = max_bytes
        self._ready: dict[tuple[bytes, bool], Reading | Exception] = {}

    def _prepare_one(self, data: bytes, validated: bool) -> Reading | Exception:
        try:
            reading = keeping_copies(pipeline.read(data, max_bytes=self.max_bytes, validated=validated))
        except Exception as exc:  # kept and raised again by read(), where the processor handles it
            return exc
        # derives and keeps every copy; a failure recurs when the processor plans on the loop, and is handled there
        with contextlib.suppress(Exception):
            pipeline.plan(data, reading, self.routing)
        return reading

    async def prepare(self, records: Sequence[tuple[bytes, Sequence[tuple[str, bytes]]]]) -> None:
        """Read every record (payload, headers) and derive its copies in a worker thread; replaces what an earlier
        batch left."""
        batch = list(dict.fromkeys((data, from_api(headers)) for data, headers in records))
        self._ready = await asyncio.to_thread(lambda: {key: self._prepare_one(*key) for key in batch})

    def read(self, data: bytes, validated: bool) -> Reading:
        """`pipeline.read`, answered (once) from the batch when it was prepared, a failure raised as it was then."""
        prepared = self._ready.pop((data, validated), None)
        if prepared is None:
            return pipeline.read(data, max_bytes=self.max_bytes, validated=validated)
        if isinstance(prepared, Exception):
            raise prepared
        return prepared
