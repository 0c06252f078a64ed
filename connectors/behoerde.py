"""An authority as XÖV header blocks name it: DVDV prefix and key, in ASCII letters and digits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connectors.errors import InvalidField
from topics.keys import DVDV_KEY_PART_PATTERN, DVDV_PATTERN, DVDV_PREFIX_PATTERN, first_foreign_character


class Behoerde(BaseModel):
    """An authority as XÖV addresses it: DVDV prefix and key, e.g. MELDID:06431002 or ags:06431020."""

    model_config = ConfigDict(frozen=True)

    praefix: str = Field(min_length=1, pattern=DVDV_PREFIX_PATTERN)
    kennung: str = Field(min_length=1, pattern=DVDV_KEY_PART_PATTERN)
    name: str | None = None

    @property
    def dvdv(self) -> str:
        return f"{self.praefix}:{self.kennung}"


def behoerde(praefix: str, kennung: str, name: str | None, *, field: str,
             message_id: str | None = None) -> Behoerde:
    """The authority a header block names; InvalidField naming the first character that is not an ASCII letter
    (prefix) or an ASCII letter or digit (key), as the DVDV defines them."""
    for part, value, allowed, label in (("praefix", praefix, "A-Za-z", "ASCII-Buchstaben"),
                                        ("kennung", kennung, "0-9A-Za-z", "ASCII-Buchstaben und -Ziffern")):
        foreign = first_foreign_character(value, allowed)
        if foreign is not None:
            raise InvalidField(f"{field}/{part} ist kein DVDV-{'Präfix' if part == 'praefix' else 'Schlüssel'}: "
                               f"es enthält {foreign}; erlaubt sind nur {label}", field=f"{field}/{part}",
                               message_id=message_id)
    return Behoerde(praefix=praefix, kennung=kennung, name=name)


class Addressee(BaseModel):
    """The recipient of a derived copy, as the hub's directory knows it.

    `key` is its DVDV prefix:key, `codelist`/`codelist_version` the code list that key belongs to (None: unknown),
    `kind` the message kind its copy must be (e.g. sta in XGewerbeanzeige; None: the kind of the original).
    """

    model_config = ConfigDict(frozen=True)

    key: str = Field(pattern=DVDV_PATTERN)
    name: str | None = None
    codelist: str | None = None
    codelist_version: str | None = None
    kind: str | None = None

    @property
    def behoerde(self) -> Behoerde:
        praefix, kennung = self.key.split(":", 1)
        return Behoerde(praefix=praefix, kennung=kennung, name=self.name)
