"""The broker the benchmark runs on: HUB_KAFKA_BOOTSTRAP when set, else the project's local broker on free ports
with its own data directory, stopped again at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient

from hub.bench.worker import free_ports
from hub.kafka import LocalKafka
from hub.settings import Settings


@dataclass(frozen=True)
class Broker:
    """Where the broker answers and what it is, for the table."""

    bootstrap: str
    description: str
    local: bool


@contextmanager
def broker(settings: Settings, data_dir: Path, progress: Callable[[str], None]) -> Iterator[Broker]:
    """The configured cluster as is, or a local broker started for the run and stopped afterwards."""
    if settings.kafka_bootstrap:
        yield Broker(settings.kafka_bootstrap, f"existing cluster {settings.kafka_bootstrap}", local=False)
        return
    port, controller_port = free_ports(2)
    local = LocalKafka(settings, data_dir=data_dir, port=port, controller_port=controller_port, detach=False)
    bootstrap = local.start(progress=progress)
    try:
        yield Broker(bootstrap, f"local Apache Kafka {settings.kafka_version} (single node, heap "
                                f"{settings.kafka_heap})", local=True)
    finally:
        local.stop(progress=progress)


def drop_topics(bootstrap: str, prefixes: tuple[str, ...]) -> int:
    """Delete every topic whose name starts with one of `prefixes` (the run's own); returns how many."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="hub-bench-cleanup")
    try:
        mine = [t for t in admin.list_topics() if t.startswith(prefixes)]
        for start in range(0, len(mine), 200):
            admin.delete_topics(mine[start:start + 200])
        return len(mine)
    finally:
        admin.close()
