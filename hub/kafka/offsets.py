"""Partition and committed offsets read with kafka-python's admin client: the reader behind the Kafka-state gauges.

One admin client is opened on first use and kept, so a scrape costs two or three requests; after any failure it is
closed and opened anew on the next call. Blocking: call it from a thread, never from an event loop.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec, OffsetTimestamp
from kafka.errors import RetriableError

from hub.kafka.errors import KafkaLauncherError
from hub.kafka.reachable import unreachable
from monitoring.lag import PartitionOffsets, TopicPartitionKey

CLIENT_ID = "municipal-hub-metrics"
RETRY_BACKOFF_S = 0.2  # between two tries of a retriable request


class OffsetsUnavailable(KafkaLauncherError):
    """Kafka did not answer the offset requests; the message says which address or request failed."""


class KafkaOffsetReader:
    """monitoring.kafka_state.OffsetReader on a real cluster."""

    def __init__(self, bootstrap: str, *, client: Mapping[str, Any] | None = None, timeout_s: float = 5.0) -> None:
        """`client`: connection settings from hub.kafka.client_config.kafka_python_kwargs; `timeout_s` bounds each
        request, so a scrape during an outage returns within a few seconds."""
        self.bootstrap = bootstrap
        self.client = dict(client or {})
        self.timeout_s = timeout_s
        self._admin: Any = None
        self._lock = threading.Lock()

    def _connect(self) -> Any:
        if self._admin is None:
            problem = unreachable(self.bootstrap, self.timeout_s)
            if problem is not None:
                raise OffsetsUnavailable(f"Kafka at {self.bootstrap} does not answer ({problem})")
            timeout_ms = int(self.timeout_s * 1000)
            self._admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id=CLIENT_ID,
                                           request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms,
                                           **self.client)
        return self._admin

    def _call(self, request: str, *args: Any) -> Any:
        """One admin request; retriable broker answers (a group coordinator moving or loading) are asked again
        until `timeout_s` has passed, anything else fails at once."""
        deadline = time.monotonic() + self.timeout_s
        with self._lock:
            while True:
                try:
                    return getattr(self._connect(), request)(*args)
                except OffsetsUnavailable:
                    raise
                except RetriableError as exc:
                    if time.monotonic() + RETRY_BACKOFF_S > deadline:
                        raise OffsetsUnavailable(f"{request} on Kafka at {self.bootstrap} failed: {exc}") from exc
                    time.sleep(RETRY_BACKOFF_S)
                except Exception as exc:  # kafka-python raises KafkaError, OSError or its own timeouts here
                    self.close()
                    raise OffsetsUnavailable(f"{request} on Kafka at {self.bootstrap} failed: {exc}") from exc

    def _partitions(self, topics: Sequence[str]) -> list[Any]:
        """Every partition of those of `topics` that exist."""
        if not topics:
            return []
        described = self._call("describe_topics", list(topics))
        return [TopicPartition(t["name"], p["partition_index"]) for t in described
                if t.get("error_code", 0) == 0 for p in t["partitions"]]

    def log_offsets(self, topics: Sequence[str]) -> list[PartitionOffsets]:
        partitions = self._partitions(topics)
        if not partitions:
            return []
        earliest = self._call("list_partition_offsets", dict.fromkeys(partitions, OffsetSpec.EARLIEST))
        latest = self._call("list_partition_offsets", dict.fromkeys(partitions, OffsetSpec.LATEST))
        return [PartitionOffsets(tp.topic, tp.partition, earliest[tp].offset, latest[tp].offset)
                for tp in partitions]

    def offsets_since(self, topics: Sequence[str], timestamp_ms: int) -> dict[TopicPartitionKey, int | None]:
        """Per partition of `topics`, the offset of its first record stamped at or after `timestamp_ms` (Unix ms);
        None where no record is that recent."""
        partitions = self._partitions(topics)
        if not partitions:
            return {}
        found = self._call("list_partition_offsets", dict.fromkeys(partitions, OffsetTimestamp(timestamp_ms)))
        return {(tp.topic, tp.partition): found[tp].offset if found[tp].offset >= 0 else None for tp in partitions}

    def committed(self, groups: Sequence[str]) -> dict[str, dict[TopicPartitionKey, int]]:
        if not groups:
            return {}
        found = self._call("list_group_offsets", list(groups))
        return {group: {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
                for group, offsets in found.items()}

    def groups(self) -> dict[str, str]:
        """Every consumer group of the cluster, with its state (Stable, Empty, …)."""
        return {g["group_id"]: g.get("group_state") or "unknown" for g in self._call("list_groups")}

    def close(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            with contextlib.suppress(Exception):  # a client that failed may fail closing too; it is dropped anyway
                admin.close()
