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
