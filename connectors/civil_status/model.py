"""What the hub reads from an XPersonenstand portal message: routing, correlation and status facts, and no names."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connectors.behoerde import Behoerde

STANDARD = "XPersonenstand"
# Every XPersonenstand version has its own namespace below this URI (26.11: http://xpsw.domap.de/xpsw2611).
NAMESPACE_FAMILY = "http://xpsw.domap.de/xpsw"
STANDESAMT_PREFIX = "psw"  # DVDV prefix of a Standesamt, as the schema's autor/leser annotations name it

Register = Literal["Geburt", "Ehe", "LP", "Sterbefall"]
Direction = Literal["anforderung", "lieferung"]

# Message kinds: every request and every delivery carries its general kind first, then the specific one.
REQUEST = "urkundenanforderung"
DELIVERY = "urkundenlieferung"


class Urkundennachricht(BaseModel):
    """A parsed certificate request (portal → Standesamt) or delivery (Standesamt → portal).

    `ereignisort` is the entry's place exactly as the request gives it (a place name, e.g. the geburtsort), with
    `ereignisort_feld` the element it came from; deliveries name no place. `antragsteller` is the SHA-256 digest of
    the normalised applicant, so a delivery can be matched to its request without the hub keeping any name.
    """

    model_config = ConfigDict(frozen=True)

    nachrichten_uuid: str = Field(min_length=1)
    nachrichtentyp: str = Field(pattern=r"^[0-9]{6}$")
    root_element: str
    version: str
    registerart: Register
    direction: Direction
    kind: str = Field(min_length=1, description="Specific kind, e.g. urkundenanforderung.elektronisch.")
    erstellungszeitpunkt: datetime
    autor: Behoerde
    leser: Behoerde
    ereignisort: str | None = None
    ereignisort_feld: str | None = None
    zuordnung: str | None = None
    buchungsreferenz: str | None = None
    antragsteller: str = Field(pattern=r"^[0-9a-f]{64}$")

    @property
    def standard(self) -> str:
        return STANDARD

    @property
    def standesamt(self) -> Behoerde:
        """The Standesamt: the reader of a request, the author of a delivery."""
        return self.leser if self.direction == "anforderung" else self.autor

    @property
    def portal(self) -> Behoerde:
        """The portal: the author of a request, the reader of a delivery."""
        return self.autor if self.direction == "anforderung" else self.leser

    @property
    def kinds(self) -> tuple[str, ...]:
        return (REQUEST if self.direction == "anforderung" else DELIVERY, self.kind)


class Attribute:
    """Names of the envelope attributes this connector fills; correlation and the citizen view read them."""

    REGISTER = "register"  # Geburt, Ehe, LP or Sterbefall
    STANDESAMT = "standesamt"  # DVDV key of the Standesamt: the request's reader, the delivery's author
    PORTAL = "portal"  # DVDV key of the portal: the request's author, the delivery's reader
    ZUORDNUNG = "zuordnung"  # the portal's reference, echoed by the delivery (when the request gave one)
    BUCHUNGSREFERENZ = "buchungsreferenz"  # payment reference: buchungsreferenz (030/031), zahlungsreferenz (032)
    ANTRAGSTELLER = "antragsteller_sha256"  # digest of the normalised applicant (connectors/civil_status/applicant)
    EREIGNISORT = "ereignisort"  # the entry's place as the request gives it (requests only)
    EREIGNISORT_FELD = "ereignisort_feld"  # the element it came from, e.g. kind/geburtsort
