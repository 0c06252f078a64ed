"""What the hub reads from an XMeld message: the parts routing, case correlation and status need — no personal data."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from connectors.behoerde import Behoerde
from topics.keys import AGS_PATTERN

STANDARD = "XMeld"
# Every XMeld version has its own namespace, e.g. http://www.osci.de/xmeld243 for 2.4.3; the version table says which.
NAMESPACE_PATTERN = re.compile(r"http://www\.osci\.de/xmeld(?P<tag>[0-9][0-9a-z]*)")


def is_xmeld_namespace(uri: str) -> bool:
    """True for any XMeld namespace, read or not (an unread version is refused as such, not as unknown)."""
    return NAMESPACE_PATTERN.fullmatch(uri) is not None


class Meldenachricht(BaseModel):
    """A parsed XMeld message; the original bytes stay with the caller.

    `vorherige_gemeinde` is the AGS of the person's previous (Wegzug) address and `neue_gemeinde` that of the new
    (Zuzug) address; `case_reference` is the nachrichtenUUID the case of the move is named after.
    """

    model_config = ConfigDict(frozen=True)

    nachrichten_uuid: str = Field(min_length=1)
    nachrichtentyp: str = Field(min_length=1, description="Type code of this version, e.g. 0300 in 2.4.3.")
    root_element: str
    kind: str = Field(min_length=1, description="Kind, stable across versions, e.g. anmeldung.datenanforderung.")
    version: str
    erstellungszeitpunkt: datetime
    ereigniszeitpunkt: datetime | None = None
    autor: Behoerde
    leser: Behoerde
    vorherige_gemeinde: str = Field(pattern=AGS_PATTERN)
    neue_gemeinde: str = Field(pattern=AGS_PATTERN)
    case_reference: str = Field(min_length=1)
    validation_scope: str

    @property
    def standard(self) -> str:
        return STANDARD

    @property
    def occurred_at(self) -> datetime:
        """When the registration event happened where the message says so, else when the message was created."""
        return self.ereigniszeitpunkt or self.erstellungszeitpunkt
