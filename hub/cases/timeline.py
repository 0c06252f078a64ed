"""A case's timeline as data: one entry per step and message, filed once however often its event arrives.

A record processed again after a crash produces its status events again; the timeline recognises each step by
(message, step, recipient) and keeps the first. The portal sees each new entry with its number in the case, so it
can detect a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from topics.envelope import StatusEvent

Entry = dict[str, Any]
FIELDS = ("recipient", "author", "label", "message_id", "message_type", "reason", "standard", "origin", "channel",
          "attempt")


def entry_of(event: StatusEvent) -> Entry:
    """One entry of a case's timeline as the API returns it."""
    entry: Entry = {"status": event.status.value, "at": event.at.isoformat()}
    for name in FIELDS:
        value = getattr(event, name)
        if value is not None:
            entry[name] = value
    if event.kinds:
        entry["kinds"] = list(event.kinds)
    if event.facts:
        entry["facts"] = dict(event.facts)
    return entry


def step_key(entry: Entry) -> tuple[str | None, str, str | None, str | None]:
    """What makes a step unique in its case: message, step and recipient (and, for rejections, the reason)."""
    reason = entry.get("reason") if entry["status"] == "rejected" else None
    return entry.get("message_id"), entry["status"], entry.get("recipient"), reason


New = tuple[int, Entry, StatusEvent]  # an entry filed for the first time: its number in the case, it, its event


Labeller = Callable[[Entry, Entry | None], str | None]  # (entry, its message's received entry) -> plain label


def apply(timeline: Sequence[Entry], events: Iterable[StatusEvent],
          label: Labeller | None = None) -> tuple[list[Entry], list[New]]:
    """The timeline after `events`, and the entries that are new, each with its number in the case (from 1).

    `label` gives a new entry the citizen's wording of its step where there is one (else it keeps the message's).
    """
    updated = list(timeline)
    known = {step_key(e) for e in updated}
    received = {e.get("message_id"): e for e in updated if e["status"] == "received"}
    new: list[New] = []
    for event in events:
        entry = entry_of(event)
        key = step_key(entry)
        if key in known:
            continue
        known.add(key)
        if entry["status"] == "received":
            received[entry.get("message_id")] = entry
        plain = label(entry, received.get(entry.get("message_id"))) if label else None
        if plain:
            entry["label"] = plain
        updated.append(entry)
        new.append((len(updated), entry, event))
    return updated, new


class PortalPush(BaseModel):
    """What the portal receives for one new step: the case, the step's number in it, and the step."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    seq: int
    entry: Entry

    @property
    def push_id(self) -> str:
        """Stable per step, so a repeated push carries the same idempotency key."""
        return f"{self.case_id}:{self.seq}"
