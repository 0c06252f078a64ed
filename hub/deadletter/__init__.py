"""Operator tooling for dead letters: read what the hub parked, filter and show it, replay it.

Modules: `store` reads the compacted dead-letter topic and writes tombstones, `payload` reads a parked payload
with the hub's hardened reader, `query` filters and formats the items, `replay` sends an item back through the
normal path. Every failure an operator can act on is a
`DeadLetterError`; its message says what went wrong and what to do.
"""

from __future__ import annotations


class DeadLetterError(Exception):
    """Root of the dead-letter tooling's errors; the message is meant for the operator."""


class BrokerUnavailable(DeadLetterError):
    """Kafka did not answer (wrong bootstrap address, broker down) or failed a request."""


class TopicMissing(DeadLetterError):
    """The dead-letter topic does not exist on the cluster (wrong HUB_TOPIC_PREFIX, or topics not created)."""


class ItemNotFound(DeadLetterError):
    """No parked item has the given id (or id prefix)."""


class AmbiguousItem(DeadLetterError):
    """More than one parked item starts with the given id prefix."""


__all__ = ["AmbiguousItem", "BrokerUnavailable", "DeadLetterError", "ItemNotFound", "TopicMissing"]
