"""What a case remembers of each message for the citizen view: dates, places, labels and deadlines the message
itself carries, picked from its envelope. Never names, addresses or other personal data."""

from __future__ import annotations

from collections.abc import Mapping

from hub.routing.directory import Directory
from topics.envelope import PORTAL_LABEL, Envelope

# envelope attribute → fact name; only these reach the case
CITIZEN_ATTRIBUTES: Mapping[str, str] = {
    PORTAL_LABEL: "portal_label",
    "frist": "deadline",
    "vorhaben": "vorhaben",
    "register": "register",
    "aktenzeichen": "aktenzeichen",
    "vorgang": "aktenzeichen",
}


def facts_of(event: Envelope, directory: Directory) -> dict[str, str]:
    """The citizen-facing facts of one message."""
    facts = {"reader": event.reader, "issued_at": event.occurred_at.date().isoformat()}
    place = directory.region_name(event.ags)
    if place:
        facts["municipality"] = place.split(",")[0].strip()  # "Bensheim, Stadt" → "Bensheim"
    for attribute, fact in CITIZEN_ATTRIBUTES.items():
        value = event.attributes.get(attribute)
        if value and fact not in facts:
            facts[fact] = value
    return facts
