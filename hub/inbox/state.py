"""A recipient's pull inbox as plain data: messages waiting, and the ids it acknowledged (never offered again).

Pure: the worker keeps one `Inbox` per authority in a faust table and applies `offer` and `acknowledge` to it.
"""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from topics.envelope import Envelope, now


class Waiting(BaseModel):
    """One message waiting in an inbox."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    case_id: str
    standard: str
    message_type: str
    offered_at: datetime = Field(default_factory=now)
    payload_b64: str

    @property
    def payload(self) -> bytes:
        return base64.b64decode(self.payload_b64)

    def listing(self) -> dict[str, str]:
        """What the list endpoint shows: ids and kind, never the content."""
        return {"message_id": self.message_id, "case_id": self.case_id, "standard": self.standard,
                "message_type": self.message_type, "offered_at": self.offered_at.isoformat()}


class Inbox(BaseModel):
    model_config = ConfigDict(frozen=True)

    waiting: tuple[Waiting, ...] = ()
    acknowledged: tuple[str, ...] = ()

    def find(self, message_id: str) -> Waiting | None:
        return next((w for w in self.waiting if w.message_id == message_id), None)


def offer(inbox: Inbox, envelope: Envelope, payload: bytes) -> Inbox:
    """`inbox` with the message added, unless it waits already or was acknowledged before."""
    if envelope.message_id in inbox.acknowledged or inbox.find(envelope.message_id) is not None:
        return inbox
    entry = Waiting(message_id=envelope.message_id, case_id=envelope.case_id, standard=envelope.standard,
                    message_type=envelope.message_type, payload_b64=base64.b64encode(payload).decode())
    return inbox.model_copy(update={"waiting": (*inbox.waiting, entry)})


def acknowledge(inbox: Inbox, message_id: str) -> tuple[Inbox, Waiting | None]:
    """`inbox` without the message, remembered as acknowledged; and the entry that was waiting, if any."""
    entry = inbox.find(message_id)
    if entry is None:
        return inbox, None
    remaining = tuple(w for w in inbox.waiting if w.message_id != message_id)
    return inbox.model_copy(update={"waiting": remaining, "acknowledged": (*inbox.acknowledged, message_id)}), entry
