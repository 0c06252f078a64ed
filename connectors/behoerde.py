"""An authority as XÖV header blocks name it: DVDV prefix and key."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Behoerde(BaseModel):
    """An authority as XÖV addresses it: DVDV prefix and key, e.g. MELDID:06431002 or ags:06431020."""

    model_config = ConfigDict(frozen=True)

    praefix: str = Field(min_length=1)
    kennung: str = Field(min_length=1)
    name: str | None = None

    @property
    def dvdv(self) -> str:
        return f"{self.praefix}:{self.kennung}"


class Addressee(BaseModel):
    """The recipient of a derived copy, as the hub's directory knows it.

    `key` is its DVDV prefix:key, `codelist`/`codelist_version` the code list that key belongs to (None: unknown),
    `kind` the message kind its copy must be (e.g. sta in XGewerbeanzeige; None: the kind of the original).
    """

    model_config = ConfigDict(frozen=True)

    key: str = Field(pattern=r"^[A-Za-z]+:[0-9A-Za-z]+$")
    name: str | None = None
    codelist: str | None = None
    codelist_version: str | None = None
    kind: str | None = None

    @property
    def behoerde(self) -> Behoerde:
        praefix, kennung = self.key.split(":", 1)
        return Behoerde(praefix=praefix, kennung=kennung, name=self.name)
