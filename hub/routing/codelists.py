"""The Destatis code lists the directory is built from, read with the shared genericode reader."""

from __future__ import annotations

from pathlib import Path

from connectors.codelist import Codelist
from connectors.codelist import CodelistError as ListUnreadable
from connectors.codelist import read_codelist as read_genericode
from hub.routing.errors import CodelistError

KEY_COLUMN = "SCHLUESSEL"
NAME_COLUMN = "Bezeichnung"


def read_codelist(path: Path, expected_uri: str) -> Codelist:
    """Load a Destatis key list (numeric SCHLUESSEL → Bezeichnung); any problem is a routing CodelistError."""
    try:
        return read_genericode(path, expected_uri, key=KEY_COLUMN, name=NAME_COLUMN, numeric=True)
    except ListUnreadable as exc:
        raise CodelistError(path, exc.detail) from exc
