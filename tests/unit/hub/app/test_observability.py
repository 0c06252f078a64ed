"""The worker-state snapshots read the tables as the stages write them, in both stores."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.app.observability import held_lanes, inbox_snapshot, recipient_snapshot
from hub.delivery.lanes import Lane
from hub.inbox.state import Waiting, entry_key, index_key
from hub.ingest.ordering import partition_of
from hub.pipeline import Routing
from tests.support.table_stores import MemoryStore, RocksStore, Table

T1 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def _waiting(offset: int, at: datetime) -> bytes:
    return Waiting(message_id=f"m{offset}", case_id="c", standard="xmeld", message_type="meld.0",
                   offered_at=at, partition=0, offset=offset).model_dump_json().encode()


def test_inbox_snapshot_counts_entries_per_authority_and_ignores_the_message_index() -> None:
    store = MemoryStore({
        entry_key("psw:06431002", 7).encode(): _waiting(7, T1),
        entry_key("psw:06431002", 9).encode(): _waiting(9, T2),
        index_key("psw:06431002", "m7").encode(): b"00000000000000000007",
        entry_key("gba:06431011", 3).encode(): _waiting(3, T2),
    })
    assert inbox_snapshot(Table(store)) == {"psw:06431002": [T1, T2], "gba:06431011": [T2]}


def test_inbox_snapshot_reads_every_partition_database_and_skips_faust_offset_key() -> None:
    store = RocksStore({
        0: {entry_key("psw:06431002", 7).encode(): _waiting(7, T1), b"__faust\0offset__": b"41"},
        3: {entry_key("psw:06431020", 8).encode(): _waiting(8, T2)},
    })
    assert inbox_snapshot(Table(store)) == {"psw:06431002": [T1], "psw:06431020": [T2]}


def test_recipient_snapshot_shows_lane_health_with_the_directory_channel(routing: Routing) -> None:
    lane = Lane(failures=4, last_success=T1, in_retry=True, enqueued=5, done=2)
    store = RocksStore({1: {b"MELDID:06431002": lane.model_dump_json().encode()},
                        2: {b"nowhere:1": Lane().model_dump_json().encode()}})
    found = recipient_snapshot(Table(store), routing.directory)
    authority = routing.directory.authority("MELDID:06431002")
    assert authority is not None
    assert found["MELDID:06431002"].channel == authority.delivery.channel
    assert (found["MELDID:06431002"].consecutive_failures, found["MELDID:06431002"].last_success) == (4, T1)
    assert found["MELDID:06431002"].retry_waiting == 3
    assert found["nowhere:1"].channel == "unknown"
    assert found["nowhere:1"].consecutive_failures == 0


def test_held_lanes_read_only_the_partitions_asked_for_in_both_stores() -> None:
    failing, idle = Lane(failures=2), Lane()
    rocks = RocksStore({1: {b"xga:06431000": failing.model_dump_json().encode(), b"__faust\0offset__": b"3"},
                        4: {b"ihk:06411000": idle.model_dump_json().encode()}})
    assert held_lanes(Table(rocks)) == {"xga:06431000": failing, "ihk:06411000": idle}
    assert held_lanes(Table(rocks), {1, 2}) == {"xga:06431000": failing}
    keys = ["xga:06431000", "ihk:06411000"]
    memory = MemoryStore({k.encode(): Lane(failures=i).model_dump_json().encode() for i, k in enumerate(keys)})
    mine = partition_of(b"xga:06431000", 6)
    others = {p for p in range(6) if p != mine}
    assert held_lanes(Table(memory), {mine}) == {"xga:06431000": Lane(failures=0)}
    assert "xga:06431000" not in held_lanes(Table(memory), others)
