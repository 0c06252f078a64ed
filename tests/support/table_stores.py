"""Stand-ins for faust tables as the worker-state readers see them, in both stores: memory (one mapping for every
partition) and RocksDB (one database per partition, with faust's offset key)."""

from __future__ import annotations

from dataclasses import dataclass, field

OFFSET_KEY = b"__faust\0offset__"


@dataclass
class MemoryStore:
    data: dict[bytes, bytes] = field(default_factory=dict)


@dataclass
class RocksStore:
    _dbs: dict[int, dict[bytes, bytes]]
    offset_key: bytes = OFFSET_KEY


@dataclass
class Changelog:
    name: str

    def get_topic_name(self) -> str:
        return self.name


@dataclass
class Table:
    data: MemoryStore | RocksStore
    name: str = "lanes"
    partitions: int = 6
    changelog_topic: Changelog = field(default_factory=lambda: Changelog("hub-lanes-changelog"))
