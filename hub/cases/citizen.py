"""A case as a citizen (or the clerk at the counter) reads it: the procedure, where it stands, since when and at
which authority, a deadline and what to do; one step per business event, the hub's technical stages left out.

Pure: built from the case's timeline (whose received entries carry each message's facts), the directory (for
authority names) and the label table. Dates are the ones the messages themselves carry, not the hub's clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from hub.cases.labels import Labels
from hub.routing.directory import Directory

PORTAL_ROLES = frozenset({"bauportal", "buergerportal"})  # portals forward for citizens; they decide nothing


class Step(BaseModel):
    """One business event of the case."""

    model_config = ConfigDict(frozen=True)

    label: str
    date: str
    authority: str | None = None
    deadline: str | None = None
    action: str | None = None


class CitizenView(BaseModel):
    """The case in plain German; `status` and its companions are those of the latest step."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    procedure: str
    status: str
    date: str
    authority: str | None
    deadline: str | None = None
    action: str | None = None
    steps: tuple[Step, ...]


def _messages(timeline: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each message's received entry (its facts, kinds and sender), by message id."""
    return {e["message_id"]: e for e in timeline if e.get("status") == "received" and e.get("message_id")}


def _responsible(received: Mapping[str, Any], directory: Directory) -> str | None:
    """The authority a message's step belongs to: its sender, unless that is a portal (then the addressed one)."""
    author = received.get("author")
    facts = received.get("facts", {})
    sender = directory.authority(author) if author else None
    if sender is not None and sender.role in PORTAL_ROLES:
        reader = directory.authority(facts.get("reader", ""))
        return reader.name if reader else facts.get("reader")
    return sender.name if sender else author


def citizen_view(case_id: str, timeline: Sequence[Mapping[str, Any]], directory: Directory,
                 labels: Labels) -> CitizenView | None:
    """The citizen's view of a case, or None when no step of it is one a citizen reads."""
    messages = _messages(timeline)
    steps: list[Step] = []
    seen: set[str] = set()
    for entry in timeline:
        received = messages.get(entry.get("message_id", ""))
        if received is None:
            continue
        facts: dict[str, str] = dict(received.get("facts", {}))
        label = labels.step(received.get("standard", ""), received.get("kinds", ()), entry["status"], facts)
        if label is None or label in seen:
            continue  # a technical stage, or a second wording of an event already shown
        seen.add(label)
        issued = facts.get("issued_at") if entry["status"] == "received" else None
        steps.append(Step(label=label, date=issued or str(entry["at"])[:10],
                          authority=_responsible(received, directory), deadline=facts.get("deadline"),
                          action=labels.todo(label, facts)))
    if not steps:
        return None
    first = next(iter(messages.values()))
    procedure = labels.procedure_of(first.get("standard", ""), first.get("kinds", ()))
    name = labels.name(procedure, dict(first.get("facts", {}))) if procedure else str(first.get("standard"))
    last = steps[-1]
    return CitizenView(case_id=case_id, procedure=name, status=last.label, date=last.date, authority=last.authority,
                       deadline=last.deadline, action=last.action, steps=tuple(steps))
