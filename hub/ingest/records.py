"""The records a stage writes, as plain data: the faust adapter sends them in one batch and awaits them together.

Stages return `Out`s instead of sending, so a batch's records are produced without one round trip each, and the
stage logic is testable without Kafka.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from topics.catalogue import Catalogue
from topics.envelope import DEADLETTER_HEADER, DeadLetter, StatusEvent, to_header

Headers = list[tuple[str, bytes]]

ORIGIN_HEADER = "hub-origin"            # "http" on records the hub's own API wrote (and therefore read and checked)
RECEIVED_AT_HEADER = "hub-received-at"  # when the API received the message, ISO 8601, on records it wrote
HTTP_ORIGIN = b"http"
DEADLETTER_NAMESPACE = uuid.UUID("0b6f5d3e-7c1f-4f38-9d9e-2c4a8a1f6e21")


@dataclass(frozen=True)
class Out:
    """One record to produce: topic, key, value (None: a tombstone), headers, and a partition where the key's
    hash must not decide it (table changelogs follow the partition of the record that caused the write)."""

    topic: str
    key: bytes
    value: bytes | None
    headers: Headers = field(default_factory=list)
    partition: int | None = None


@dataclass(frozen=True)
class Origin:
    """Where a Kafka record came from; carried onto its dead-letter record and used to recognise re-processing."""

    topic: str
    partition: int
    offset: int

    @property
    def label(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


def header(headers: Sequence[tuple[str, bytes]], name: str) -> bytes | None:
    """The value of header `name`, or None."""
    return next((value for key, value in headers if key == name), None)


def from_api(headers: Sequence[tuple[str, bytes]]) -> bool:
    """The hub's own API wrote this ingest record, so it has read and validated the message already."""
    return header(headers, ORIGIN_HEADER) == HTTP_ORIGIN


def received_at(headers: Sequence[tuple[str, bytes]]) -> datetime | None:
    """When the hub's API received the record's message, if it did."""
    raw = header(headers, RECEIVED_AT_HEADER)
    if raw is None:
        return None
    try:
        stamp = datetime.fromisoformat(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def status_out(catalogue: Catalogue, event: StatusEvent) -> Out:
    """A status event on the status topic, keyed by its case."""
    return Out(catalogue.status, event.case_id.encode(), event.model_dump_json().encode())


def dead_letter_id(origin: Origin | None, reason_code: str) -> str:
    """A record parked by a worker gets the same id each time it is re-processed, so it is parked once."""
    if origin is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(DEADLETTER_NAMESPACE, f"{origin.label}:{reason_code}"))


def dead_letter_out(catalogue: Catalogue, payload: bytes, record: DeadLetter) -> Out:
    """The original bytes on the dead-letter topic under the record's id, with the record beside them."""
    return Out(catalogue.deadletter, record.id.encode(), payload, [to_header(DEADLETTER_HEADER, record)])
