"""Which sent messages have reached every planned recipient: fed with the hub's `delivered` status events.

A message is complete when the distinct recipients with a `delivered` event for it equal the recipients the hub's
own routing plans for it. Events for other messages or recipients are ignored; a repeated event is counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

DELIVERED = "delivered"


@dataclass
class _Pending:
    expected: frozenset[str]
    seen: set[str] = field(default_factory=set)
    completed_at: float | None = None


@dataclass(frozen=True)
class Delivered:
    """One `delivered` status event: the message and the recipient it names."""

    message_id: str
    recipient: str


def parse_delivered(value: bytes) -> Delivered | None:
    """The delivered event in a status record (StatusEvent JSON), or None for any other status or record."""
    if b'"delivered"' not in value:  # most status records are other steps: skip them without parsing
        return None
    try:
        event = json.loads(value)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("status") != DELIVERED:
        return None
    message_id, recipient = event.get("message_id"), event.get("recipient")
    if not isinstance(message_id, str) or not isinstance(recipient, str):
        return None
    return Delivered(message_id, recipient)


class Tracker:
    """Expected recipients and completion time per message id."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}
        self.repeated = 0  # delivered events for a (message, recipient) already seen
        self.unplanned = 0  # delivered events for a recipient the plan does not name

    def expect(self, message_id: str, recipients: Iterable[str]) -> None:
        """Register a message before it is sent; its completion is then measured."""
        expected = frozenset(recipients)
        if not expected:
            raise ValueError(f"message {message_id} has no planned recipient; it can never complete")
        self._pending[message_id] = _Pending(expected)

    def observe(self, event: Delivered, at: float) -> bool:
        """Record one delivered event seen at `at`; True when it completed its message."""
        pending = self._pending.get(event.message_id)
        if pending is None:
            return False
        if event.recipient not in pending.expected:
            self.unplanned += 1
            return False
        if event.recipient in pending.seen:
            self.repeated += 1
            return False
        pending.seen.add(event.recipient)
        if pending.completed_at is None and pending.seen == pending.expected:
            pending.completed_at = at
            return True
        return False

    def completed_at(self, message_id: str) -> float | None:
        pending = self._pending.get(message_id)
        return pending.completed_at if pending else None

    def missing(self, message_ids: Iterable[str]) -> list[str]:
        """The given messages that are not complete yet."""
        return [m for m in message_ids if self.completed_at(m) is None]
