"""The worker's faust tables and the state protocols of the stages on top of them.

A table write goes into the journal of the running task, as a changelog record for the *current* record's partition;
the stage sends the journal with the records of its batch (after them, see hub.app.producer), before the batch is
acknowledged. (faust's own changelog path sends each write on its own.) The local store of that partition takes the
value only once Kafka acknowledged its changelog record; until then the task's own reads see it from the journal. So
a crash never leaves local state ahead of the changelog and the batch's other records: a re-processed batch finds the
state it found the first time and files the same steps, pushes and index entries again.
Keys and values are strings (UTF-8 bytes in the store); values are JSON of the stages' models.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import faust
from faust.streams import _current_event, current_event
from faust.types import TP

from hub.app import table_store
from hub.delivery.lanes import Lane
from hub.ingest.ordering import partition_of
from hub.ingest.records import Out
from hub.ingest.state import Seen, message_key
from hub.settings import Settings
from topics.catalogue import TABLES, Catalogue

# Small memtables: a worker opens one database per table and partition (seven tables), so memory must not scale with
# faust's defaults (64 MB write buffers, 2 GB caches each); all of them share one budget (HUB_TABLE_MEMORY_MB).
ROCKSDB_OPTIONS = {
    "write_buffer_size": 1024 * 1024,
    "max_write_buffer_number": 2,
    "target_file_size_base": 8 * 1024 * 1024,
    "block_cache_size": 1024 * 1024,
    "block_cache_compressed_size": 0,
}


class Journal:
    """One task's table writes not yet acknowledged: the changelog records to send, and the value each sets."""

    def __init__(self) -> None:
        self.records: list[Out] = []
        self.pending: dict[tuple[str, bytes], bytes | None] = {}  # (changelog, key) -> value, None for a delete


_journal: ContextVar[Journal | None] = ContextVar("hub_table_journal", default=None)


def bind(event: Any) -> None:
    """Make `event` the current event, so table writes go to its partition."""
    _current_event.set(weakref.ref(event))


def open_journal() -> Journal:
    """Start collecting this task's table writes; the caller sends them (see `drain`)."""
    journal = Journal()
    _journal.set(journal)
    return journal


def drain(journal: Journal | None = None) -> list[Out]:
    """The journal's records to send (this task's when none is given); their values stay visible to the task's
    reads until `stored_when_written` puts them into the local store."""
    journal = journal if journal is not None else _journal.get()
    if journal is None:
        return []
    records, journal.records = journal.records, []
    return records


def stored_when_written(tables: dict[str, Any]) -> Callable[[Sequence[Out], Sequence[Any]], None]:
    """Once Kafka acknowledged a batch: each changelog record's value goes into its partition's local store, and
    the store learns up to which changelog offset it holds its writes, as faust's own path does, so a restarted
    worker recovers only the changelog's tail."""
    by_topic = {t.changelog_topic.get_topic_name(): t for t in tables.values()}

    def written(outs: Sequence[Out], metas: Sequence[Any]) -> None:
        journal = _journal.get()
        highest: dict[tuple[str, int], int] = {}
        for out, meta in zip(outs, metas, strict=True):
            table = by_topic.get(out.topic)
            if table is None:
                continue
            store_locally(table.data, meta.partition, out.key, out.value)
            if journal is not None:
                journal.pending.pop((out.topic, out.key), None)
            key = (out.topic, meta.partition)
            highest[key] = max(highest.get(key, -1), meta.offset)
        for (topic, partition), offset in highest.items():
            by_topic[topic].data.set_persisted_offset(TP(topic, partition), offset)

    return written


def store_locally(store: Any, partition: int, key: bytes, value: bytes | None) -> None:
    """Put (or, for None, delete) one value in the local store of `partition`; a memory store has one mapping."""
    dbs = getattr(store, "_dbs", None)
    if dbs is None:
        if value is None:
            store.data.pop(key, None)
        else:
            store.data[key] = value
        return
    db = store._db_for_partition(partition)
    if value is None:
        db.delete(key)
    else:
        db.put(key, value)
        store._key_index[key] = partition


def store_url(settings: Settings) -> str:
    return table_store.register() if settings.table_store == "rocksdb" else "memory://"


def create_tables(app: faust.App, settings: Settings, catalogue: Catalogue) -> dict[str, Any]:
    """Every table of the catalogue, co-partitioned with the topics (same partition count), expiring after its
    retention class both in the local store (RocksDB TTL) and in its changelog (compact,delete)."""
    tables = {}
    for spec in TABLES:
        options: dict[str, Any] = {}
        if settings.table_store == "rocksdb":
            options = {**ROCKSDB_OPTIONS, "ttl": catalogue.retention_ms(spec.retention) // 1000,
                       "memory_budget": settings.table_memory_mb * 1024 * 1024}
        tables[spec.name] = app.Table(spec.name, key_type=bytes, value_type=bytes, partitions=catalogue.partitions,
                                      options=options or None,
                                      help=spec.description)
    return tables


class Strings:
    """A faust table as str → str, written through the running task's journal."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.changelog = table.changelog_topic.get_topic_name()

    def get(self, key: str) -> str | None:
        """The value this task wrote last, while not yet acknowledged; otherwise the local store's."""
        raw_key = key.encode()
        journal = _journal.get()
        if journal is not None and (self.changelog, raw_key) in journal.pending:
            raw = journal.pending[(self.changelog, raw_key)]
        else:
            raw = self.table.data.get(raw_key)
        return raw.decode() if raw is not None else None

    def put(self, key: str, value: str) -> None:
        self._write(key.encode(), value.encode())

    def delete(self, key: str) -> None:
        if self.get(key) is not None:
            self._write(key.encode(), None)

    def _write(self, key: bytes, value: bytes | None) -> None:
        event = current_event()
        journal = _journal.get()
        if event is None or journal is None:
            raise RuntimeError("table write outside a bound record and an open journal")
        journal.pending[(self.changelog, key)] = value
        journal.records.append(Out(self.changelog, key, value, partition=event.message.partition))


class InboxTable(Strings):
    """Inbox entries; scans read the local store of the partition that owns the authority."""

    def __init__(self, table: Any, partitions: int) -> None:
        super().__init__(table)
        self.partitions = partitions

    def scan(self, prefix: str, after: str | None, limit: int) -> list[tuple[str, str]]:
        start = (prefix + after) if after is not None else prefix
        rows = []
        for key, value in self._items_from(prefix, start.encode()):
            name = key.decode()
            if after is not None and name == start:
                continue
            if not name.startswith(prefix):
                break
            rows.append((name, value.decode()))
            if len(rows) >= limit:
                break
        return rows

    def _items_from(self, prefix: str, start: bytes) -> Iterator[tuple[bytes, bytes]]:
        store = self.table.data
        dbs = getattr(store, "_dbs", None)
        if dbs is None:  # memory store
            data = store.data
            yield from ((k, data[k]) for k in sorted(k for k in data if k >= start))
            return
        authority = prefix.split("|", 1)[0].encode()
        db = dbs.get(partition_of(authority, self.partitions))
        if db is None:
            return
        yield from db.items(from_key=start)


class TableIngestState:
    """IngestState over the `seen` and `correlation` tables."""

    def __init__(self, seen: Any, correlation: Any) -> None:
        self._seen = Strings(seen)
        self._correlation = Strings(correlation)

    def seen(self, message_id: str) -> Seen | None:
        raw = self._seen.get(message_key(message_id))
        return Seen.model_validate_json(raw) if raw else None

    def remember(self, message_id: str, seen: Seen) -> None:
        self._seen.put(message_key(message_id), seen.model_dump_json())

    def recall(self, key: str) -> str | None:
        return self._correlation.get(key)

    def keep(self, key: str, value: str) -> None:
        self._correlation.put(key, value)


class TableServedState:
    """ServedState over the `delivered`, `lanes` and `inbox` tables."""

    def __init__(self, delivered: Any, lanes: Any, inbox: Any, partitions: int) -> None:
        self._delivered = Strings(delivered)
        self._lanes = Strings(lanes)
        self.inbox = InboxTable(inbox, partitions)

    def given(self, recipient: str, message_id: str) -> bool:
        return self.given_as(recipient, message_id) is not None

    def given_as(self, recipient: str, message_id: str) -> str | None:
        """How the recipient was given the message: delivered, or accepted (acknowledged); None if not yet."""
        return self._delivered.get(f"{recipient}|{message_key(message_id)}")

    def give(self, recipient: str, message_id: str, how: str) -> None:
        self._delivered.put(f"{recipient}|{message_key(message_id)}", how)

    def lane(self, recipient: str) -> Lane:
        raw = self._lanes.get(recipient)
        return Lane.model_validate_json(raw) if raw else Lane()

    def keep_lane(self, recipient: str, lane: Lane) -> None:
        self._lanes.put(recipient, lane.model_dump_json())


def table_dir(settings: Settings) -> Path:
    return settings.data_dir / "faust" / settings.app_id
