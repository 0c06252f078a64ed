"""Table writes wait in the task's journal: the task reads them back at once, the local store takes them only once
Kafka acknowledged their changelog records, so a crash never leaves local state ahead of the changelog."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import faust
import pytest
from faust.types import TP

from hub.app import table_store
from hub.app.tables import ROCKSDB_OPTIONS, Strings, bind, drain, open_journal, stored_when_written


class Record:
    """The current record as table writes see it: only its partition matters."""

    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition)


_BOUND: list[Record] = []  # table writes hold the current record weakly, as faust does; the test keeps it alive


def at(partition: int) -> None:
    """Make a record of `partition` the current one."""
    record = Record(partition)
    _BOUND.append(record)
    bind(record)


def meta(partition: int, offset: int) -> Any:
    return SimpleNamespace(partition=partition, offset=offset)


@pytest.fixture(params=["rocksdb", "memory"])
def table(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    store = table_store.register() if request.param == "rocksdb" else "memory://"
    app = faust.App(f"journal-{request.param}", store=store, datadir=str(tmp_path / "data"))
    options = {**ROCKSDB_OPTIONS, "ttl": 86400} if request.param == "rocksdb" else None
    table = app.Table("cases", key_type=bytes, value_type=bytes, partitions=6, options=options)
    yield table
    for db in getattr(table.data, "_dbs", {}).values():
        db.close()


def stored(table: Any, partition: int, key: bytes) -> bytes | None:
    """What the local store itself holds (what another task or a restarted worker reads)."""
    at(partition)
    return table.data.get(key)  # type: ignore[no-any-return]


def acknowledge(table: Any, offset: int) -> None:
    records = drain()
    stored_when_written({"cases": table})(records, [meta(r.partition or 0, offset + i) for i, r in enumerate(records)])


def stored_case(table: Any, partition: int) -> Strings:
    """A fresh journal over `table`, with case-1 = v1 written and acknowledged on `partition`."""
    open_journal()
    cases = Strings(table)
    at(partition)
    cases.put("case-1", "v1")
    acknowledge(table, 0)
    at(partition)
    return cases


def test_a_write_is_read_back_by_its_task_but_stored_only_once_acknowledged(table: Any) -> None:
    journal = open_journal()
    cases = Strings(table)
    at(2)
    cases.put("case-1", "v1")
    assert cases.get("case-1") == "v1"
    assert stored(table, 2, b"case-1") is None
    records = list(journal.records)
    assert [(r.topic, r.key, r.value, r.partition) for r in records] == [
        (table.changelog_topic.get_topic_name(), b"case-1", b"v1", 2)]
    acknowledge(table, 41)
    assert stored(table, 2, b"case-1") == b"v1"
    assert journal.pending == {}
    if hasattr(table.data, "_dbs"):
        assert table.data.persisted_offset(TP(table.changelog_topic.get_topic_name(), 2)) == 41


def test_a_batch_never_acknowledged_leaves_the_store_as_it_was(table: Any) -> None:
    open_journal()
    cases = Strings(table)
    at(3)
    cases.put("case-1", "v1")
    cases.put("case-2", "kept")
    acknowledge(table, 0)
    open_journal()  # the next batch, which a crash ends before Kafka acknowledged it
    at(3)
    cases.put("case-1", "v2")
    cases.delete("case-2")
    assert (cases.get("case-1"), cases.get("case-2")) == ("v2", None)
    drain()
    open_journal()  # the batch processed again after the restart finds the state it found the first time
    assert (cases.get("case-1"), cases.get("case-2")) == ("v1", "kept")
    assert (stored(table, 3, b"case-1"), stored(table, 3, b"case-2")) == (b"v1", b"kept")


def test_a_delete_hides_the_stored_value_at_once_and_removes_it_once_acknowledged(table: Any) -> None:
    cases = stored_case(table, 1)
    cases.delete("case-1")
    assert cases.get("case-1") is None
    assert stored(table, 1, b"case-1") == b"v1"
    acknowledge(table, 1)
    assert stored(table, 1, b"case-1") is None


def test_another_task_reads_only_what_was_acknowledged(table: Any) -> None:
    cases = stored_case(table, 4)
    cases.put("case-1", "v2")

    def other_task() -> str | None:
        open_journal()
        at(4)
        return cases.get("case-1")

    assert contextvars.Context().run(other_task) == "v1"
    assert cases.get("case-1") == "v2"


def test_the_last_of_several_writes_to_one_key_is_stored(table: Any) -> None:
    open_journal()
    cases = Strings(table)
    at(5)
    for value in ("a", "b", "c"):
        cases.put("case-1", value)
    acknowledge(table, 0)
    assert stored(table, 5, b"case-1") == b"c"


def test_a_write_outside_a_journal_is_refused(table: Any) -> None:
    def without_journal() -> None:
        at(0)
        Strings(table).put("case-1", "v1")

    with pytest.raises(RuntimeError, match="journal"):
        contextvars.Context().run(without_journal)
