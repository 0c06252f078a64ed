"""Kafka record details as the hub's functions take them."""

from __future__ import annotations

from typing import Any


def record_headers(raw: Any) -> list[tuple[str, bytes]]:
    """A record's headers as (name, bytes) pairs, whether the client gives a list or a mapping."""
    if raw is None:
        return []
    items = raw.items() if hasattr(raw, "items") else raw
    return [(str(k), bytes(v)) for k, v in items]
