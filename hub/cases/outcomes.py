"""What the new steps of a case say about delivery, for the metrics: each delivery to a recipient (with the time
since the hub received the message) and each copy parked after its last attempt.

Read from the timeline's new entries, so a status event that arrives again (after a crash) is counted once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from hub.cases.timeline import Entry, New
from topics.envelope import Status


@dataclass(frozen=True)
class DeliveryOutcome:
    """One recipient's copy delivered or parked; `seconds` from the hub's receipt, when the receipt is known."""

    recipient: str
    channel: str
    outcome: Literal["delivered", "parked"]
    standard: str | None
    seconds: float | None = None


def delivery_outcomes(timeline: Sequence[Entry], new: Sequence[New]) -> list[DeliveryOutcome]:
    """The outcomes among the `new` entries of `timeline` (the case after they were filed)."""
    received = {e.get("message_id"): e for e in timeline if e["status"] == Status.RECEIVED.value}
    found: list[DeliveryOutcome] = []
    for _seq, entry, _event in new:
        recipient = entry.get("recipient")
        if recipient is None or entry["status"] not in (Status.DELIVERED.value, Status.FAILED.value):
            continue
        channel = entry.get("channel") or "unbekannt"
        standard = entry.get("standard")
        if entry["status"] == Status.FAILED.value:
            found.append(DeliveryOutcome(recipient, channel, "parked", standard))
            continue
        receipt = received.get(entry.get("message_id"))
        seconds = (datetime.fromisoformat(entry["at"]) - datetime.fromisoformat(receipt["at"])).total_seconds() \
            if receipt is not None else None
        found.append(DeliveryOutcome(recipient, channel, "delivered", standard, seconds))
    return found
