"""What the hub reads from an XGewerbeanzeige or XGewerbeordnung message: what routing, minimisation, correlation
and status need."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connectors.behoerde import Behoerde
from topics.keys import AGS_PATTERN, MESSAGE_CODE_PATTERN

Meldungsart = Literal["anmeldung", "ummeldung", "abmeldung"]
MELDUNGSARTEN: tuple[Meldungsart, ...] = ("anmeldung", "ummeldung", "abmeldung")
AGS = AGS_PATTERN


class Meldung(BaseModel):
    """One notification record (satz) of a Gewerbemeldung; references in their normalised form."""

    model_config = ConfigDict(frozen=True)

    art: Meldungsart
    gemeinde_ags: str = Field(pattern=AGS)
    gemeinde_meldung_nr: str | None = None
    gewerbebetrieb_id: str | None = None
    meldung_uuid: str | None = None
    ereigniszeitpunkt: datetime | None = None
    handwerk: bool = False
    vorherige_gemeinde: str | None = Field(default=None, pattern=AGS,
                                           description="AGS of the previous location, where the record names one.")


class Gewerbemeldung(BaseModel):
    """A parsed trade message; the original bytes stay with the caller."""

    model_config = ConfigDict(frozen=True)

    standard: str = Field(description="XGewerbeanzeige or XGewerbeordnung.")
    nachrichten_uuid: str = Field(min_length=1)
    nachrichtentyp: str = Field(pattern=MESSAGE_CODE_PATTERN)
    root_element: str
    empfaengerart: str = Field(description="Recipient kind named by the root element, e.g. alg, sta, abh.")
    version: str
    erstellungszeitpunkt: datetime
    autor: Behoerde
    leser: Behoerde
    meldungen: tuple[Meldung, ...] = Field(min_length=1)
    validation_scope: str

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
