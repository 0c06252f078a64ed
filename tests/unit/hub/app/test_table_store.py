"""The table store reopens TTL databases with one TTL filter, so compactions keep live entries and faust's offset."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import faust
import pytest
from faust.stores.rocksdb import RocksDBOptions

from hub.app import table_store
from hub.app.table_store import OneTtlOptions, recorded_ttl_filters
from hub.app.tables import ROCKSDB_OPTIONS

TTL_S = 30 * 86400
OPTIONS: dict[str, Any] = {**ROCKSDB_OPTIONS, "ttl": TTL_S}
OFFSET_KEY = b"__faust\0offset__"
# Values that end in ASCII digits, as faust's persisted offset does: read as a timestamp, their last four bytes
# lie in the 1990s, so a second (nested) TTL filter finds them expired.
ENTRIES = {OFFSET_KEY: b"17143", **{f"case-{i}".encode(): f'{{"seq": {i}}}-{i:05d}'.encode() for i in range(200)}}


def fill(options: RocksDBOptions, path: Path) -> None:
    db = options.open(path)
    for key, value in ENTRIES.items():
        db.put(key, value)
    db.close()


def reopen_and_compact(options: RocksDBOptions, path: Path, times: int) -> dict[bytes, bytes]:
    for _ in range(times):
        db = options.open(path)
        db.compact_range(None, None)
        db.close()
    db = options.open(path)
    try:
        return dict(db.items())
    finally:
        db.close()


def register_ttl_classes(tmp_path: Path) -> None:
    """RocksDB knows the TTL filter by name only after one TTL database was opened in the process."""
    OneTtlOptions(**OPTIONS).open(tmp_path / "first").close()


def test_a_reopened_ttl_database_keeps_every_entry_and_the_offset(tmp_path: Path) -> None:
    register_ttl_classes(tmp_path)
    options = OneTtlOptions(**OPTIONS)
    fill(options, tmp_path / "cases-0.db")
    assert reopen_and_compact(options, tmp_path / "cases-0.db", times=3) == ENTRIES
    assert recorded_ttl_filters(tmp_path / "cases-0.db") == 1


def test_faust_s_own_reopen_nests_the_filter_and_loses_entries(tmp_path: Path) -> None:
    """The defect the store avoids; recorded_ttl_filters sees it in the OPTIONS file."""
    register_ttl_classes(tmp_path)
    options = RocksDBOptions(**OPTIONS)
    fill(options, tmp_path / "cases-0.db")
    left = reopen_and_compact(options, tmp_path / "cases-0.db", times=1)
    assert OFFSET_KEY not in left and len(left) < len(ENTRIES)
    assert recorded_ttl_filters(tmp_path / "cases-0.db") >= 2


def test_a_database_without_options_file_records_no_filter(tmp_path: Path) -> None:
    assert recorded_ttl_filters(tmp_path / "missing.db") == 0


@pytest.fixture
def store(tmp_path: Path) -> faust.stores.rocksdb.Store:
    app = faust.App("store-test", store=table_store.register(), datadir=str(tmp_path / "data"))
    table = app.Table("cases", key_type=bytes, value_type=bytes, partitions=1,
                      options=OPTIONS)
    data = table.data
    assert isinstance(data, table_store.Store)
    return data


def test_the_store_removes_a_damaged_partition_database_so_it_is_rebuilt(
        store: table_store.Store, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    register_ttl_classes(tmp_path)
    path = store.partition_path(0)
    faust_options = RocksDBOptions(**OPTIONS)
    fill(faust_options, path)
    reopen_and_compact(faust_options, path, times=1)  # what a reopen before this store left behind
    with caplog.at_level(logging.WARNING, logger=table_store.__name__):
        db = store._open_for_partition(0)
    assert list(db.keys()) == []  # empty: faust finds no persisted offset and replays the changelog
    assert recorded_ttl_filters(path) == 1
    assert "rebuilt from the changelog" in caplog.text
    db.close()


def test_the_store_opens_an_intact_partition_database_as_it_is(store: table_store.Store, tmp_path: Path) -> None:
    register_ttl_classes(tmp_path)
    path = store.partition_path(0)
    fill(OneTtlOptions(**OPTIONS), path)
    db = store._open_for_partition(0)
    assert dict(db.items()) == ENTRIES
    db.close()


def test_databases_with_a_memory_budget_share_one_cache_and_one_memtable_budget(tmp_path: Path) -> None:
    budget = 8 * 1024 * 1024
    options = OneTtlOptions(**OPTIONS, memory_budget=budget)
    cache, memtables = table_store.shared_memory(budget)
    assert (cache.get_usage(), memtables.get_usage()) == (0, 0)
    dbs = [options.open(tmp_path / f"cases-{p}.db") for p in range(3)]
    for db in dbs:
        for key, value in ENTRIES.items():
            db.put(key, value)
    assert memtables.get_usage() > 0 and memtables.get_buffer_size() == budget // 2  # every database's memtables
    for db in dbs:
        db.flush()
        assert db.get(OFFSET_KEY) == ENTRIES[OFFSET_KEY]
    assert 0 < cache.get_usage() <= budget // 2  # data, index and filter blocks of every database, in one cache
    for db in dbs:
        db.close()
