"""Stand-ins for Kafka in the dead-letter unit tests: consumed records and a producer that records its sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kafka.errors import KafkaTimeoutError

from hub.deadletter.store import ParkedItem
from topics.envelope import DEADLETTER_HEADER, DeadLetter, to_header

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Rec:
    """Shaped like kafka-python's ConsumerRecord, as far as folding reads it."""

    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    partition: int = 0
    offset: int = 0
    timestamp: int = 0


def dead_letter(item_id: str, *, minutes: int = 0, **fields: Any) -> DeadLetter:
    values: dict[str, Any] = {"reason_code": "xml.malformed", "reason": "not well-formed", "origin": "worker"}
    values.update(fields)
    return DeadLetter(id=item_id, parked_at=T0 + timedelta(minutes=minutes), **values)


def parked(record: DeadLetter, payload: bytes = b"<x/>", *, offset: int = 0, partition: int = 0) -> Rec:
    """The record Hub.park writes: key = id, value = original bytes, the DeadLetter in its header."""
    return Rec(record.id.encode(), payload, [to_header(DEADLETTER_HEADER, record)], partition, offset)


def item(record: DeadLetter, payload: bytes = b"<x/>", *, partition: int = 0, offset: int = 0) -> ParkedItem:
    return ParkedItem(record.id, record, payload, partition, offset)


@dataclass(frozen=True)
class Sent:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    partition: int | None


class _Done:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def get(self, timeout: float | None = None) -> None:
        if self.error is not None:
            raise self.error


class FakeProducer:
    """Records every send; sends to a topic in `failing` fail on `get`, as an unacknowledged record does."""

    def __init__(self, failing: tuple[str, ...] = ()) -> None:
        self.sent: list[Sent] = []
        self.failing = failing
        self.flushes = 0

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None,
             headers: list[tuple[str, bytes]] | None = None, partition: int | None = None) -> _Done:
        self.sent.append(Sent(topic, key, value, list(headers or []), partition))
        return _Done(KafkaTimeoutError("no ack") if topic in self.failing else None)

    def flush(self, timeout: float | None = None) -> None:
        self.flushes += 1

    def close(self, timeout: float | None = None) -> None:
        pass

    def on(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s.topic == topic]
