"""Whether Kafka answers, measured, not assumed: a metadata request every second, each allowed two seconds.

Health and the API read `up`: a worker whose broker has not answered for `stale_s` is unhealthy, and the API then
refuses messages at once with 503 instead of letting the sender wait for a write that cannot complete.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from aiokafka.client import AIOKafkaClient

log = logging.getLogger(__name__)


class BrokerWatch:
    """Asks Kafka for metadata in a loop; `up` is True while the last answer is fresh."""

    def __init__(self, bootstrap: str, *, interval_s: float = 1.0, timeout_s: float = 2.0, stale_s: float = 4.0,
                 client_options: dict[str, Any] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.bootstrap = bootstrap
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.stale_s = stale_s
        self.client_options = client_options or {}
        self.clock = clock
        self.last_answer: float | None = None
        self.down_since: float | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def up(self) -> bool:
        return self.last_answer is not None and self.clock() - self.last_answer <= self.stale_s

    def answered(self) -> None:
        if self.down_since is not None:
            log.warning("Kafka answers again after %.0f s", self.clock() - self.down_since)
        self.last_answer = self.clock()
        self.down_since = None

    def missed(self, why: str) -> None:
        if self.down_since is None:
            self.down_since = self.clock()
            log.warning("Kafka does not answer (%s)", why)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="broker-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        client = AIOKafkaClient(bootstrap_servers=self.bootstrap, request_timeout_ms=int(self.timeout_s * 1000),
                                client_id="municipal-hub-watch", **self.client_options)
        bootstrapped = False
        try:
            while True:
                try:
                    if not bootstrapped:
                        await asyncio.wait_for(client.bootstrap(), self.timeout_s)
                        bootstrapped = True
                    await asyncio.wait_for(client.fetch_all_metadata(), self.timeout_s)
                    self.answered()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # any failure to get an answer means: down, for now
                    self.missed(type(exc).__name__)
                await asyncio.sleep(self.interval_s)
        finally:
            await client.close()
