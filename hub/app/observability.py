"""What a worker shows Prometheus beside its counters: Kafka's state (lag, dead letters, reachability), read from
Kafka so it survives restarts, and its own lanes and inboxes, read from its tables at scrape time.

Collectors are registered once per process; the Kafka reading blocks, so `/metrics` refreshes it in a thread.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from prometheus_client.registry import Collector

from hub.deadletter.depth import DeadLetterDepth
from hub.delivery.lanes import Lane
from hub.inbox.state import OFFSET_DIGITS, Waiting
from hub.ingest.ordering import partition_of
from hub.kafka.client_config import kafka_python_kwargs
from hub.kafka.offsets import KafkaOffsetReader
from hub.routing.directory import Directory
from hub.settings import Settings
from monitoring.kafka_state import KafkaStateCollector
from monitoring.metrics import REGISTRY
from monitoring.worker_state import RecipientState, WorkerStateCollector
from topics.catalogue import Catalogue

_registered: list[Collector] = []


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _items(table: Any, partitions: Collection[int] | None = None) -> list[tuple[str, str]]:
    """The entries of the table partitions this worker holds (RocksDB keeps UTF-8 bytes, memory keeps strings),
    or only of `partitions` among them."""
    store = table.data
    dbs = getattr(store, "_dbs", None)
    if dbs is None:  # memory store: one mapping for every partition
        items = [(_text(k), _text(v)) for k, v in list(store.data.items())]
        if partitions is None:
            return items
        count = table.partitions
        return [(k, v) for k, v in items if partition_of(k.encode(), count) in partitions]
    offset_key = getattr(store, "offset_key", None)
    return [(_text(k), _text(v)) for partition, db in list(dbs.items())
            if partitions is None or partition in partitions for k, v in db.items() if k != offset_key]


def inbox_snapshot(inbox_table: Any) -> dict[str, list[datetime]]:
    """Per authority, when each message waiting in its inbox was offered."""
    found: dict[str, list[datetime]] = {}
    for key, value in _items(inbox_table):
        authority, kind, rest = key.partition("|w|")
        if not kind or len(rest) != OFFSET_DIGITS:
            continue
        found.setdefault(authority, []).append(Waiting.model_validate_json(value).offered_at)
    return found


def held_lanes(lanes_table: Any, partitions: Collection[int] | None = None) -> dict[str, Lane]:
    """Per served recipient with a lane in the table partitions this worker holds (or in `partitions` of them),
    its lane."""
    return {recipient: Lane.model_validate(json.loads(value)) for recipient, value in _items(lanes_table, partitions)}


def recipient_snapshot(lanes_table: Any, directory: Directory) -> dict[str, RecipientState]:
    """Per served recipient with a lane, its health as the lane records it."""
    found: dict[str, RecipientState] = {}
    for recipient, lane in held_lanes(lanes_table).items():
        authority = directory.authority(recipient)
        channel = authority.delivery.channel if authority else "unknown"
        found[recipient] = RecipientState(channel=channel, consecutive_failures=lane.failures,
                                          last_success=lane.last_success, retry_waiting=lane.retry_waiting)
    return found


def register_collectors(settings: Settings, bootstrap: str, catalogue: Catalogue, tables: Mapping[str, Any],
                        directory: Directory) -> KafkaStateCollector:
    """Register this worker's collectors (replacing earlier ones of the process) and return the Kafka one."""
    for collector in _registered:
        REGISTRY.unregister(collector)
    _registered.clear()
    client = kafka_python_kwargs(settings)
    depth = DeadLetterDepth(bootstrap, catalogue.deadletter, max_bytes=settings.max_message_bytes, client=client)
    kafka = KafkaStateCollector(KafkaOffsetReader(bootstrap, client=client),
                                {settings.app_id: catalogue.consumed()}, deadletters=depth.counts)
    worker = WorkerStateCollector(inboxes=lambda: inbox_snapshot(tables["inbox"]),
                                  recipients=lambda: recipient_snapshot(tables["lanes"], directory))
    for collector in (kafka, worker):
        REGISTRY.register(collector)
        _registered.append(collector)
    return kafka

