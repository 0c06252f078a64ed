"""A recipient's pull inbox as table entries: one per waiting message, in arrival order, and an index by message id.

An entry names where the copy sits on the delivery stream (partition and offset) instead of holding it, so no Kafka
record grows with a recipient's backlog. Entry keys are `<authority>|w|<offset, zero-padded>`: sorted keys are the
arrival order, and the same copy always gets the same key, so processing a record twice offers it once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from hub.ingest.state import message_key
from topics.envelope import Envelope, now

OFFSET_DIGITS = 20


class Waiting(BaseModel):
    """One message waiting in an inbox: what it is, and where its copy is on the delivery stream."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    case_id: str
    standard: str
    message_type: str
    offered_at: datetime = Field(default_factory=now)
    partition: int
    offset: int

    def listing(self) -> dict[str, str]:
        """What the list endpoint shows: ids and kind, never the content."""
        return {"message_id": self.message_id, "case_id": self.case_id, "standard": self.standard,
                "message_type": self.message_type, "offered_at": self.offered_at.isoformat()}


def entry_prefix(authority: str) -> str:
    return f"{authority}|w|"


def entry_key(authority: str, offset: int) -> str:
    return f"{entry_prefix(authority)}{offset:0{OFFSET_DIGITS}d}"


def index_key(authority: str, message_id: str) -> str:
    return f"{authority}|m|{message_key(message_id)}"


class InboxStore(Protocol):
    """Inbox entries by key, scanned in key order; the faust table adapter and a dict implement it."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def scan(self, prefix: str, after: str | None, limit: int) -> list[tuple[str, str]]: ...


def offer(store: InboxStore, authority: str, envelope: Envelope, partition: int, offset: int,
          clock: datetime | None = None) -> Waiting:
    """Put a copy into `authority`'s inbox, and the entry it has there. A message waiting already keeps its entry."""
    index = index_key(authority, envelope.message_id)
    key = store.get(index)
    raw = store.get(key) if key is not None else None
    if key is not None and raw is not None:
        return Waiting.model_validate_json(raw)
    entry = Waiting(message_id=envelope.message_id, case_id=envelope.case_id, standard=envelope.standard,
                    message_type=envelope.message_type, partition=partition, offset=offset,
                    **({"offered_at": clock} if clock else {}))
    key = entry_key(authority, offset)
    store.put(key, entry.model_dump_json())
    store.put(index, key)
    return entry


def find(store: InboxStore, authority: str, message_id: str) -> Waiting | None:
    key = store.get(index_key(authority, message_id))
    raw = store.get(key) if key else None
    return Waiting.model_validate_json(raw) if raw else None


def remove(store: InboxStore, authority: str, message_id: str) -> Waiting | None:
    """Take an acknowledged message out of the inbox; the entry that waited, or None."""
    index = index_key(authority, message_id)
    key = store.get(index)
    raw = store.get(key) if key else None
    if key is None or raw is None:
        return None
    store.delete(key)
    store.delete(index)
    return Waiting.model_validate_json(raw)


def page(store: InboxStore, authority: str, after: str | None, limit: int) -> tuple[list[Waiting], str | None]:
    """Up to `limit` waiting messages after the cursor `after`, oldest first, and the cursor of the next page."""
    rows = store.scan(entry_prefix(authority), after, limit + 1)
    waiting = [Waiting.model_validate_json(value) for _key, value in rows[:limit]]
    cursor = rows[limit - 1][0].removeprefix(entry_prefix(authority)) if len(rows) > limit else None
    return waiting, cursor


class MemoryInboxStore:
    """An InboxStore in process memory, for tools and tests."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.entries.get(key)

    def put(self, key: str, value: str) -> None:
        self.entries[key] = value

    def delete(self, key: str) -> None:
        self.entries.pop(key, None)

    def scan(self, prefix: str, after: str | None, limit: int) -> list[tuple[str, str]]:
        start = prefix + after if after is not None else None
        keys = sorted(k for k in self.entries if k.startswith(prefix) and (start is None or k > start))
        return [(k, self.entries[k]) for k in keys[:limit]]
