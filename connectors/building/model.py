"""What the hub reads from an XBau message: the parts routing, case correlation and portal status need."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from topics.keys import AGS_PATTERN, DVDV_PATTERN, MESSAGE_CODE_PATTERN

STANDARD = "XBau"
VERSION = "2.6"
XBAU_NAMESPACE = "http://www.xleitstelle.de/xbau/2/6"
KERNMODUL_NAMESPACE = "http://www.xleitstelle.de/xbau/kernmodul/1/3/0"
# Every XBau and XBau-Kernmodul version lives below this URI; only the two namespaces above are read.
NAMESPACE_FAMILY = "http://www.xleitstelle.de/xbau/"

ReferenzQuelle = Literal["referenzAntragsservice", "bezug", "nachrichtenUUID"]
AgsQuelle = Literal["baugrundstueck", "bauaufsicht"]


class Behoerde(BaseModel):
    """An authority as the XBau header names it: directory service, DVDV key ("bab:06431000") and name."""

    model_config = ConfigDict(frozen=True)

    verzeichnisdienst: str | None = None
    kennung: str = Field(pattern=DVDV_PATTERN)
    name: str | None = None

    @property
    def praefix(self) -> str:
        """The DVDV prefix, e.g. bab (Bauaufsichtsbehörde) or bap (Bauportal)."""
        return self.kennung.split(":", 1)[0]

    @property
    def schluessel(self) -> str:
        """The key after the prefix, e.g. 06431000."""
        return self.kennung.split(":", 1)[1]


class Bezug(BaseModel):
    """The reference an answer carries: application (referenz), file number (vorgang) and the message answered."""

    model_config = ConfigDict(frozen=True)

    referenz: str | None = None
    vorgang: str | None = None
    bezug_nachricht_uuid: str | None = None
    bezug_nachrichtentyp: str | None = None


class Portalstatus(BaseModel):
    """A 1170 status: the code, its label from the statusbauportal code list and that list's version."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1)
    label: str = Field(min_length=1)
    codelist_version: str = Field(min_length=1)


class XBauNachricht(BaseModel):
    """A parsed XBau message; the original bytes stay with the caller."""

    model_config = ConfigDict(frozen=True)

    namespace: str
    root_element: str = Field(description="Local name of the root element, e.g. baugenehmigung.antrag.0200.")
    kind: str = Field(min_length=1, description="The root element without its code, e.g. baugenehmigung.antrag.")
    nachrichtentyp: str = Field(pattern=MESSAGE_CODE_PATTERN)
    nachrichten_uuid: str = Field(min_length=1)
    erstellungszeitpunkt: datetime
    autor: Behoerde
    leser: Behoerde
    referenz_antragsservice: str | None = None
    bezug: Bezug | None = None
    gemeinde_ags: str = Field(pattern=AGS_PATTERN)
    ags_quelle: AgsQuelle
    status: Portalstatus | None = None

    @property
    def standard(self) -> str:
        return STANDARD

    @property
    def version(self) -> str:
        return VERSION

    @property
    def referenz(self) -> str | None:
        """The application's referenzAntragsservice: carried by the application itself or by an answer's bezug."""
        if self.referenz_antragsservice:
            return self.referenz_antragsservice
        return self.bezug.referenz if self.bezug else None

    @property
    def referenz_quelle(self) -> ReferenzQuelle:
        """Where `case_reference` comes from."""
        if self.referenz_antragsservice:
            return "referenzAntragsservice"
        return "bezug" if self.referenz else "nachrichtenUUID"

    @property
    def case_reference(self) -> str:
        """What correlates a case without state: the application's reference, else this message's own id."""
        return self.referenz or self.nachrichten_uuid

    @property
    def aktenzeichen(self) -> str | None:
        return self.bezug.vorgang if self.bezug else None
