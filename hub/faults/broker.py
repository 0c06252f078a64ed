"""The fault suite's broker: HUB_KAFKA_BOOTSTRAP when set (then it is never stopped, and the run's topics are
deleted at the end), else the project's local Kafka on free ports with its data in the run's folder, stopped and
started again on the same data while the worker runs.

Every start and stop of the local broker runs on one thread kept for the whole run: the broker is tied to the thread
that started it (it dies with it, so a killed run leaves none behind), and the event loop goes on meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from hub.bench.broker import drop_topics
from hub.bench.worker import free_ports
from hub.faults.errors import FaultSuiteError
from hub.kafka import LocalKafka
from hub.kafka.errors import KafkaLauncherError
from hub.settings import Settings

Progress = Callable[[str], None]
T = TypeVar("T")


class Broker:
    """The run's broker; a local one can `start`, `stop` and `start` again on its ports and data."""

    def __init__(self, settings: Settings, data_dir: Path, progress: Progress) -> None:
        self._progress = progress
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faults-broker")
        self.kafka: LocalKafka | None = None
        self._existing = settings.kafka_bootstrap
        self.prefixes: list[str] = []  # topics of the run, deleted at the end on an existing cluster
        if self._existing:
            self.description = f"existing cluster {self._existing} (HUB_KAFKA_BOOTSTRAP)"
            return
        port, controller_port = free_ports(2)
        self.kafka = LocalKafka(settings, data_dir=data_dir, port=port, controller_port=controller_port,
                                detach=False)
        self.description = f"local Apache Kafka {settings.kafka_version} (single node, heap {settings.kafka_heap})"

    @property
    def local(self) -> bool:
        """Started by the suite, so it may be stopped and started again."""
        return self.kafka is not None

    @property
    def bootstrap(self) -> str:
        return self.kafka.bootstrap if self.kafka is not None else str(self._existing)

    async def start(self) -> str:
        kafka = self.kafka
        if kafka is None:
            return self.bootstrap
        return await self._run("broker start", lambda: kafka.start(progress=self._progress))

    async def stop(self) -> None:
        kafka = self.kafka
        if kafka is None:
            raise FaultSuiteError("broker stop", "an existing cluster (HUB_KAFKA_BOOTSTRAP) is never stopped")
        await self._run("broker stop", lambda: kafka.stop(progress=self._progress))

    def close(self) -> None:
        """Stop the local broker (if it runs) or delete the run's topics on the existing cluster; then the thread.
        For the end of the run, also after a failure."""
        try:
            if self.kafka is not None:
                self._thread.submit(self.kafka.stop, self._progress).result()
            elif self.prefixes:
                dropped = drop_topics(self.bootstrap, tuple(self.prefixes))
                self._progress(f"deleted the run's {dropped} topics on {self.bootstrap}")
        finally:
            self._thread.shutdown()

    async def _run(self, step: str, work: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, work)
        except KafkaLauncherError as exc:
            raise FaultSuiteError(step, str(exc)) from exc
