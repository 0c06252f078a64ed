"""What the hub reads from an XGewerbeanzeige message: the parts routing, minimisation and status need."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connectors.behoerde import Behoerde

STANDARD = "XGewerbeanzeige"
NAMESPACE_PREFIX = "http://www.xgewerbeanzeige.de/spezifikation/"
SUPPORTED_MAJOR = 2

Meldungsart = Literal["anmeldung", "ummeldung", "abmeldung"]
MELDUNGSARTEN: tuple[Meldungsart, ...] = ("anmeldung", "ummeldung", "abmeldung")


class Meldung(BaseModel):
    """One notification record (satz) of a Gewerbemeldung."""

    model_config = ConfigDict(frozen=True)

    art: Meldungsart
    gemeinde_ags: str = Field(pattern=r"^\d{8}$")
    gewerbebetrieb_id: str | None = None
    meldung_uuid: str | None = None
    ereigniszeitpunkt: datetime | None = None
    handwerk: bool = False


class Gewerbemeldung(BaseModel):
    """A parsed XGewerbeanzeige message; the original bytes stay with the caller."""

    model_config = ConfigDict(frozen=True)

    nachrichten_uuid: str = Field(min_length=1)
    nachrichtentyp: str = Field(pattern=r"^\d{4}$")
    root_element: str
    empfaengerart: str = Field(description="Recipient kind named by the root element, e.g. alg, sta, abh.")
    version: str
    erstellungszeitpunkt: datetime
    autor: Behoerde
    leser: Behoerde
    meldungen: tuple[Meldung, ...] = Field(min_length=1)

    @property
    def standard(self) -> str:
        return STANDARD

    @property
    def gemeinde_ags(self) -> str:
        """The municipality concerned: that of the first record (all records of one message share it)."""
        return self.meldungen[0].gemeinde_ags

    @property
    def arten(self) -> tuple[Meldungsart, ...]:
        return tuple(dict.fromkeys(m.art for m in self.meldungen))

    @property
    def handwerk(self) -> bool:
        return any(m.handwerk for m in self.meldungen)
