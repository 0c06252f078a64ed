"""Reads the hub's status topic from the beginning and feeds every `delivered` event to a Tracker, with the time it
was seen; waits until given messages are complete."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer

from hub.bench.errors import BenchError
from hub.bench.tracker import Tracker, parse_delivered

FETCH_MAX_WAIT_MS = 20  # how late a delivered event may be seen after it was written, at the most
PROGRESS_EVERY_S = 10.0


class StatusWatcher:
    """A consumer without group on every partition of the status topic, running as a task."""

    def __init__(self, bootstrap: str, topic: str, tracker: Tracker) -> None:
        self.tracker = tracker
        self.completed = 0
        self._consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                          auto_offset_reset="earliest", enable_auto_commit=False,
                                          fetch_max_wait_ms=FETCH_MAX_WAIT_MS)
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            seen_at = time.monotonic()
            for records in batches.values():
                for record in records:
                    event = parse_delivered(record.value or b"")
                    if event is not None and self.tracker.observe(event, seen_at):
                        self.completed += 1
                        self._changed.set()

    async def wait_for(self, message_ids: Iterable[str], timeout_s: float, *, label: str,
                       progress: Callable[[str], None], alive: Callable[[], bool]) -> list[str]:
        """Wait until every message is complete or `timeout_s` passed; returns the incomplete ones.

        `alive` is asked on every wake-up: a hub that died fails the wait at once instead of at its end.
        """
        wanted = list(message_ids)
        remaining, total = self.tracker.missing(wanted), len(wanted)
        deadline = time.monotonic() + timeout_s
        next_report = time.monotonic() + PROGRESS_EVERY_S
        while remaining and time.monotonic() < deadline:
            if self._task is not None and self._task.done():
                raise BenchError("status topic", f"the watcher stopped: {self._task.exception()!r}")
            if not alive():
                raise BenchError(label, "the hub process exited while messages were still due")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(1.0, max(deadline - time.monotonic(), 0)))
            self._changed.clear()
            remaining = self.tracker.missing(remaining)
            if time.monotonic() >= next_report:
                progress(f"{label}: {total - len(remaining):,} of {total:,} have every recipient's copy")
                next_report = time.monotonic() + PROGRESS_EVERY_S
        return remaining
