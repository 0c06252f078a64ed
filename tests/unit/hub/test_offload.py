"""A batch holding a message near the size limit is read, and its copies derived, off the event loop, as the
worker's ingest agent does it: the loop is never held for 100 ms, and the records are those of processing it
directly."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
import time
from collections.abc import Awaitable, Sequence

import pytest

from connectors.behoerde import Addressee
from connectors.reading import Reading, read_message
from hub import pipeline
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Origin, Out
from hub.ingest.state import MemoryIngestState
from hub.offload import PreparedBatch
from hub.pipeline import Routing
from hub.settings import Settings
from tests.support.hostile import TRADE, fresh, sample

LIMIT = 8 * 1024 * 1024
TICK_S = 0.005
ORIGIN = Origin("trade.ingest", 0, 1)


@pytest.fixture(scope="module")
def big_message(settings: Settings) -> bytes:
    """The trade sample with its notification record repeated up to 2 MiB: valid, and slow to read and derive."""
    text = fresh(sample(settings.shared_dir, TRADE))
    record = re.search(r"<xga:satz>.*?</xga:satz>", text, re.DOTALL)
    assert record is not None
    copies = (2 * 1024 * 1024 - len(text)) // len(record.group())
    return text.replace(record.group(), record.group() * copies).encode()


async def _longest_stall(work: Awaitable[object]) -> float:
    """The longest time the loop did not run a 5 ms ticker while `work` ran."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    longest = 0.0
    while not task.done():
        before = loop.time()
        await asyncio.sleep(TICK_S)
        longest = max(longest, loop.time() - before - TICK_S)
    await task
    return longest


def _key(data: bytes, routing: Routing) -> bytes:
    return ordering_key(read_message(data, max_bytes=LIMIT, config=Settings().connector_config).envelope,
                        routing.directory).encode()


async def _as_the_agent(prepared: PreparedBatch, processor: IngestProcessor, data: bytes, key: bytes) -> list[Out]:
    await prepared.prepare([(data, [])])
    return processor.process(data, key, [], ORIGIN, MemoryIngestState())


def _shape(outs: list[Out], routing: Routing) -> list[tuple[str, bytes | None, bytes | None]]:
    """The records without the status events (which carry the time they were made)."""
    return [(o.topic, o.key, o.value) for o in outs if o.topic != routing.catalogue.status]


def test_the_message_is_heavy_enough_to_stall_a_loop(big_message: bytes, routing: Routing) -> None:
    """Control: done on the loop, reading and planning this message would hold it far longer than 100 ms."""
    started = time.perf_counter()
    pipeline.plan(big_message, pipeline.read(big_message, max_bytes=LIMIT), routing)
    assert time.perf_counter() - started > 0.1


def test_a_prepared_batch_leaves_the_loop_responsive_and_changes_no_record(big_message: bytes,
                                                                           routing: Routing) -> None:
    """The shortest of three runs' longest stall: other processes on the machine can only lengthen a stall,
    while a call that holds the loop (or the GIL) would stall every run."""
    key = _key(big_message, routing)
    direct = IngestProcessor(routing, max_bytes=LIMIT).process(big_message, key, [], ORIGIN, MemoryIngestState())
    stalls = []
    for _ in range(3):
        prepared = PreparedBatch(routing, max_bytes=LIMIT)
        processor = IngestProcessor(routing, max_bytes=LIMIT, read=prepared.read)
        task = _as_the_agent(prepared, processor, big_message, key)
        outs: list[list[Out]] = []

        async def run(work: Awaitable[list[Out]] = task, into: list[list[Out]] = outs) -> None:
            into.append(await work)

        stalls.append(asyncio.run(_longest_stall(run())))
        assert _shape(outs[0], routing) == _shape(direct, routing)
    assert min(stalls) < 0.1, stalls


def test_reading_and_every_copy_are_made_in_another_thread(anmeldung_bensheim: bytes, routing: Routing,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[str, str]] = []
    real_read = pipeline.read

    def read(data: bytes, *, max_bytes: int, validated: bool = False) -> Reading:
        made.append(("read", threading.current_thread().name))
        reading = real_read(data, max_bytes=max_bytes, validated=validated)

        def derive(recipient: Addressee, keep: Sequence[str]) -> bytes:
            made.append(("copy", threading.current_thread().name))
            return reading.derive(recipient, keep)

        return dataclasses.replace(reading, derive=derive)

    monkeypatch.setattr(pipeline, "read", read)
    prepared = PreparedBatch(routing, max_bytes=LIMIT)
    processor = IngestProcessor(routing, max_bytes=LIMIT, read=prepared.read)
    outs = asyncio.run(_as_the_agent(prepared, processor, anmeldung_bensheim, _key(anmeldung_bensheim, routing)))
    copies = [o for o in outs if o.topic == routing.catalogue.delivery]
    assert copies and [kind for kind, _ in made].count("read") == 1 and ("copy" in {kind for kind, _ in made})
    assert threading.main_thread().name not in {thread for _, thread in made}, made


def test_an_unreadable_message_is_parked_as_when_read_on_the_loop(routing: Routing) -> None:
    prepared = PreparedBatch(routing, max_bytes=LIMIT)
    processor = IngestProcessor(routing, max_bytes=LIMIT, read=prepared.read)
    outs = asyncio.run(_as_the_agent(prepared, processor, b"<x", b"k"))
    assert [o.topic for o in outs] == [routing.catalogue.deadletter, routing.catalogue.status]
