"""What the ingest stage remembers per ordering key: messages already routed, and the notices of each business.

The worker keeps this in faust tables co-partitioned with the ingest topics; `MemoryIngestState` serves tools and
tests. Message ids are compared case-insensitively (they are UUIDs).
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

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


class IngestState(Protocol):
    """The tables the ingest stage reads and writes for the record it processes."""

    def seen(self, message_id: str) -> Seen | None: ...

    def remember(self, message_id: str, seen: Seen) -> None: ...

    def notices(self, betrieb: str) -> list[Notice]: ...

    def keep_notices(self, betrieb: str, notices: list[Notice]) -> None: ...


class MemoryIngestState:
    """An IngestState in process memory."""

    def __init__(self) -> None:
        self.routed: dict[str, Seen] = {}
        self.betriebe: dict[str, list[Notice]] = {}

    def seen(self, message_id: str) -> Seen | None:
        return self.routed.get(message_key(message_id))

    def remember(self, message_id: str, seen: Seen) -> None:
        self.routed[message_key(message_id)] = seen

    def notices(self, betrieb: str) -> list[Notice]:
        return list(self.betriebe.get(betrieb, []))

    def keep_notices(self, betrieb: str, notices: list[Notice]) -> None:
        self.betriebe[betrieb] = list(notices)
