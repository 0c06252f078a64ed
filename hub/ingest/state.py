"""What the ingest stage remembers per ordering key: messages already routed, and what correlation learnt (the
notices of each business, open certificate requests, file numbers).

The worker keeps this in faust tables co-partitioned with the ingest topics; `MemoryIngestState` serves tools and
tests. Message ids are compared case-insensitively (they are UUIDs).
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict, TypeAdapter

from hub.correlation.relocation import Notice


class Seen(BaseModel):
    """A message id the hub has routed: who sent it, into which case, and from which ingest record."""

    model_config = ConfigDict(frozen=True)

    author: str
    case_id: str
    origin: str


def message_key(message_id: str) -> str:
    """A message id as the tables key it: UUIDs are case-insensitive."""
    return message_id.strip().lower()


class Memory(Protocol):
    """What correlation learnt, in the record's partition: JSON values under string keys."""

    def recall(self, key: str) -> str | None: ...

    def keep(self, key: str, value: str) -> None: ...


class IngestState(Memory, Protocol):
    """The tables the ingest stage reads and writes for the record it processes."""

    def seen(self, message_id: str) -> Seen | None: ...

    def remember(self, message_id: str, seen: Seen) -> None: ...


NOTICES: TypeAdapter[list[Notice]] = TypeAdapter(list[Notice])


def notices(state: Memory, betrieb: str) -> list[Notice]:
    """The notices of one business (Rückmeldeverfahren)."""
    raw = state.recall(f"betrieb|{betrieb}")
    return NOTICES.validate_json(raw) if raw else []


def keep_notices(state: Memory, betrieb: str, known: list[Notice]) -> None:
    state.keep(f"betrieb|{betrieb}", NOTICES.dump_json(known).decode())


class MemoryIngestState:
    """An IngestState in process memory."""

    def __init__(self) -> None:
        self.routed: dict[str, Seen] = {}
        self.memory: dict[str, str] = {}

    def seen(self, message_id: str) -> Seen | None:
        return self.routed.get(message_key(message_id))

    def remember(self, message_id: str, seen: Seen) -> None:
        self.routed[message_key(message_id)] = seen

    def recall(self, key: str) -> str | None:
        return self.memory.get(key)

    def keep(self, key: str, value: str) -> None:
        self.memory[key] = value
