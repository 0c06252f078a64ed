"""The records the hub writes to Kafka: a frozen model per record kind, carried in a header beside the payload.

The Kafka value of ingest, outbound and dead-letter records is the XÖV XML exactly as it is to be delivered; the
model travels JSON-encoded in the `hub-envelope` (or `hub-deadletter`) header, so bytes are never re-encoded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from topics.keys import AGS_PATTERN, DVDV_PATTERN

ENVELOPE_HEADER = "hub-envelope"
REPLAY_HEADER = "hub-replay-attempts"  # on replayed ingest records: how often the item was attempted before
PORTAL_LABEL = "portal_label"  # envelope attribute: the plain German text the portal shows for a message
RECIPIENT_KIND = "empfaengerart"  # envelope attribute: the kind of recipient the message type is for (e.g. sta, abh)
DEADLETTER_HEADER = "hub-deadletter"

# Case ids are derived from the standard and the XÖV message id, so a resubmission lands in the same case.
CASE_NAMESPACE = uuid.UUID("5f0f6c59-3c0e-4b8e-9a43-6f3e2c1b7d10")


def case_id_for(standard: str, message_id: str) -> str:
    """The case a message opens: stable for the same standard and nachrichtenUUID."""
    return str(uuid.uuid5(CASE_NAMESPACE, f"{standard}:{message_id}"))


def now() -> datetime:
    return datetime.now(UTC)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Envelope(_Frozen):
    """One XÖV message as an event: who sent it to whom, about which municipality, of what kind and when."""

    case_id: str
    message_id: str = Field(description="The XÖV nachrichtenUUID.")
    standard: str
    version: str
    message_type: str = Field(description="Message type code, e.g. 0300.")
    kinds: tuple[str, ...] = Field(min_length=1, description="Domain kinds, e.g. anmeldung, ummeldung.")
    author: str = Field(pattern=DVDV_PATTERN, description="DVDV prefix:key of the sender.")
    reader: str = Field(pattern=DVDV_PATTERN, description="DVDV prefix:key of the addressed reader.")
    ags: str = Field(pattern=AGS_PATTERN, description="AGS of the municipality concerned.")
    occurred_at: datetime
    attributes: dict[str, str] = Field(default_factory=dict, description="Routing facts, e.g. handwerk=ja.")
    recipient: str | None = Field(default=None, pattern=DVDV_PATTERN, description="Set on outbound records.")


class Status(StrEnum):
    """The steps of a case's timeline, as the portal shows them.

    delivered: in the recipient's outbound stream (and its inbox or folder); accepted: the recipient system
    confirmed it (a 2xx to the webhook, or an inbox acknowledgement); failed: parked after the last attempt.
    """

    RECEIVED = "received"
    VALIDATED = "validated"
    ROUTED = "routed"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    FAILED = "failed"
    REJECTED = "rejected"


class StatusEvent(_Frozen):
    """One step in a case's timeline; keyed by case id on the status topic."""

    case_id: str
    status: Status
    at: datetime = Field(default_factory=now)
    message_id: str | None = None
    standard: str | None = None
    message_type: str | None = None
    recipient: str | None = None
    author: str | None = Field(default=None, description="The sending authority, on received events.")
    label: str | None = Field(default=None, description="Plain German text for the portal, where one applies.")
    reason: str | None = None
    origin: str | None = Field(default=None, description="The record the step came from: topic[partition]@offset.")
    channel: str | None = Field(default=None, description="The recipient's channel, on delivery steps.")
    attempt: int | None = Field(default=None, description="The delivery attempt that ended in this step.")
    kinds: tuple[str, ...] = Field(default=(), description="The message's kinds, on received events.")
    facts: dict[str, str] = Field(default_factory=dict,
                                  description="What the citizen view shows of the message, on received events: "
                                              "its date, deadline, municipality, labels; never personal data.")


class DeadLetter(_Frozen):
    """Why a record was parked and where it came from; the value beside it is the original bytes.

    `id` is the record's key on the dead-letter topic; a replayed item is removed by a tombstone under it.
    """

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    reason_code: str
    reason: str
    field: str | None = None
    case_id: str | None = None
    message_id: str | None = None
    origin: str = Field(description="http, or the name of the stage that parked it.")
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    attempts: int = 1
    recipient: str | None = Field(default=None, pattern=DVDV_PATTERN, description="Set when a delivery failed.")
    standard: str | None = None
    parked_at: datetime = Field(default_factory=now)


Headers = Sequence[tuple[str, bytes]]
M = TypeVar("M", bound=BaseModel)


def to_header(name: str, model: BaseModel) -> tuple[str, bytes]:
    return name, model.model_dump_json().encode()


def from_headers(headers: Iterable[tuple[str, bytes]] | None, name: str, model: type[M]) -> M | None:
    """The model carried in header `name`, or None when the record has no such header."""
    for key, value in headers or ():
        if key == name:
            return model.model_validate_json(value)
    return None
