"""Who may read what of a case: one place decides, for the timeline, the citizen view and the search.

A token sees the entries about the messages its authorities sent or received (or sent and had rejected); an
all-cases token (the portal) sees every case whole, and so does a clerk token of an authority that took part, for
the counter. A reference shared with another case never opens that case: access follows the messages, not the
case id or a reference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Entry = Mapping[str, Any]
PARTY_FIELDS = ("author", "recipient")


def parties(timeline: Sequence[Entry]) -> dict[str | None, set[str]]:
    """Per message id, the authorities it involves: its sender, its addressed reader and every recipient."""
    found: dict[str | None, set[str]] = {}
    for entry in timeline:
        involved = found.setdefault(entry.get("message_id"), set())
        involved.update(entry[f] for f in PARTY_FIELDS if entry.get(f))
        reader = entry.get("facts", {}).get("reader")
        if reader:
            involved.add(reader)
    return found


def readable(timeline: Sequence[Entry], acts_for: Callable[[str], bool], *, all_cases: bool = False,
             clerk: bool = False) -> list[Entry]:
    """The entries of `timeline` a token may read; empty when it may read none (the case is not its business)."""
    if all_cases:
        return list(timeline)
    involved = parties(timeline)
    mine = {message for message, who in involved.items() if any(acts_for(a) for a in who)}
    if clerk and mine:
        return list(timeline)
    return [e for e in timeline if e.get("message_id") in mine]
