"""The worker's RocksDB table store: faust's own, but each partition database is opened with exactly one TTL filter.

rocksdict reopens an existing database with the column-family options recorded in its OPTIONS file. Once a process
has opened one TTL database, RocksDB can rebuild the TTL compaction filter recorded there, and opening with a TTL
wraps a second one around it. The inner filter then reads the last four bytes of each value as a timestamp, so
compactions drop live entries and faust's persisted changelog offset long before their retention: tables lose
state, and a restart replays whole changelogs. Naming the default column family's options keeps rocksdict from
loading the recorded ones. A partition database that such a reopen already damaged is removed before it is opened,
so the store rebuilds it from its changelog instead of serving what is left.

All partition databases of a worker share one memory budget (`memory_budget` in the table options): half of it for
their memtables, half for one block cache that also holds index and filter blocks, so RocksDB's memory depends
neither on the number of databases nor on the data they hold.
"""

from __future__ import annotations

import functools
import logging
import shutil
from pathlib import Path
from typing import Any

import rocksdict
from faust.stores import STORES
from faust.stores import rocksdb as faust_rocksdb

log = logging.getLogger(__name__)

STORE_SCHEME = "hubrocksdb"
TTL_FILTER = "id=TtlCompactionFilterFactory"


def register() -> str:
    """Make `hubrocksdb://` name this store for faust tables; returns the URL to configure."""
    STORES.aliases[STORE_SCHEME] = f"{__name__}:Store"
    return f"{STORE_SCHEME}://"


def recorded_ttl_filters(path: Path) -> int:
    """How many TTL compaction filters the database's latest OPTIONS file records around each other (0: none)."""
    numbered = [(int(p.name[8:]), p) for p in path.glob("OPTIONS-*") if p.name[8:].isdigit()]  # OPTIONS-000015
    if not numbered:
        return 0
    for line in max(numbered)[1].read_text(errors="replace").splitlines():
        if line.strip().startswith("compaction_filter_factory="):
            return line.count(TTL_FILTER)
    return 0


@functools.cache
def shared_memory(budget_bytes: int) -> tuple[rocksdict.Cache, rocksdict.WriteBufferManager]:
    """The block cache and the memtable manager every database of the process with this budget uses."""
    return rocksdict.Cache(budget_bytes // 2), rocksdict.WriteBufferManager(budget_bytes // 2, False)


class OneTtlOptions(faust_rocksdb.RocksDBOptions):
    """faust's options, opening a TTL database with the default column family's options named explicitly, and
    sharing one memory budget with every other database of the process when one is given."""

    def __init__(self, *args: Any, memory_budget: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memory_budget = memory_budget

    def as_options(self) -> Any:
        options = super().as_options()
        if self.use_rocksdict and self.memory_budget is not None:
            cache, memtables = shared_memory(self.memory_budget)
            blocks = rocksdict.BlockBasedOptions()
            blocks.set_bloom_filter(self.bloom_filter_size, True)
            blocks.set_block_cache(cache)
            blocks.set_cache_index_and_filter_blocks(True)
            blocks.set_pin_l0_filter_and_index_blocks_in_cache(True)
            blocks.set_index_type(rocksdict.BlockBasedIndexType.binary_search())
            options.set_block_based_table_factory(blocks)
            options.set_write_buffer_manager(memtables)
        return options

    def open(self, path: Path, *, read_only: bool = False) -> Any:
        if not self.use_rocksdict or self.ttl is None:
            return super().open(path, read_only=read_only)
        db = rocksdict.Rdict(str(path), options=self.as_options(), column_families={"default": self.as_options()},
                             access_type=rocksdict.AccessType.with_ttl(self.ttl))
        db.set_read_options(rocksdict.ReadOptions())
        return db


class Store(faust_rocksdb.Store):
    """faust's RocksDB store with `OneTtlOptions`; a partition database damaged by nested filters is rebuilt."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rocksdb_options = OneTtlOptions(**(self.options or {}), use_rocksdict=self.use_rocksdict)

    def _open_for_partition(self, partition: int) -> Any:
        path = self.partition_path(partition)
        if self.rocksdb_options.ttl is not None and recorded_ttl_filters(path) > 1:
            log.warning("table %s partition %d: its local database lost entries to nested TTL filters; removed, "
                        "it is rebuilt from the changelog", self.table_name, partition)
            shutil.rmtree(path)
        return super()._open_for_partition(partition)
