"""XBau: a message that names its application only by the file number (bezug/vorgang, the Aktenzeichen the 1121
announced) or by an earlier message (bezugNachricht) joins that application's case.

What the building authority's messages taught is kept within that authority (Aktenzeichen are unique only there):
the ingest stream is ordered by building authority, so the 1121 is always filed before a later 1170 is looked up.
A message naming an Aktenzeichen or message nobody announced is parked with that reason; replayed once the 1121 has
arrived, it joins the case.
"""

from __future__ import annotations

from connectors.building.connector import AKTENZEICHEN, BAUAUFSICHT, BEZUG_NACHRICHT, REFERENZ, VORGANG
from connectors.references import normalised
from hub.correlation.errors import CorrelationError
from hub.ingest.state import Memory
from topics.envelope import Envelope


class UnknownAktenzeichen(CorrelationError):
    """The message names an Aktenzeichen (or an earlier message) its building authority never announced."""

    code = "correlation.unknown_aktenzeichen"


def _key(event: Envelope, kind: str, value: str) -> str:
    return f"xbau|{event.attributes.get(BAUAUFSICHT) or event.author}|{kind}|{normalised(value)}"


class BuildingCorrelator:
    """Files by Aktenzeichen or bezugNachricht where the message names no application reference."""

    def file(self, event: Envelope, memory: Memory) -> Envelope:
        if event.attributes.get(REFERENZ):
            return event  # names the application itself: its case is the application's
        for kind, attribute in (("az", VORGANG), ("msg", BEZUG_NACHRICHT)):
            value = event.attributes.get(attribute)
            if not value:
                continue
            case_id = memory.recall(_key(event, kind, value))
            if case_id is not None:
                return event.model_copy(update={"case_id": case_id})
            if kind == "az":
                raise UnknownAktenzeichen(
                    f"das Aktenzeichen {value} hat die Bauaufsichtsbehörde {event.attributes.get(BAUAUFSICHT)} "
                    "noch nicht mitgeteilt (1121); die Nachricht wird zugeordnet, sobald sie nach der Mitteilung "
                    "erneut eingespielt wird (hub dlq replay)", field="bezug/vorgang")
        return event

    def learn(self, event: Envelope, memory: Memory) -> None:
        memory.keep(_key(event, "msg", event.message_id), event.case_id)
        aktenzeichen = event.attributes.get(AKTENZEICHEN)
        if aktenzeichen:
            memory.keep(_key(event, "az", aktenzeichen), event.case_id)
