"""Plain German labels for the portal status codes of a 1170 message, from the official statusbauportal code list.

The genericode file in the shared folder is read once per process; its version is kept with the labels, so every
label the hub shows can be traced to the code list version that defined it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from connectors.codelist import read_codelist
from connectors.errors import InvalidField

CODELIST_FILE = ("xoev", "codelists", "urn_xoev-de_xbau_codeliste_statusbauportal_3.0.xml")
CODELIST_URI = "urn:xoev-de:xbau:codeliste:statusbauportal"
STATUS_FIELD = "statusAntragsportal/code"


@dataclass(frozen=True)
class Codelist:
    """The statusbauportal code list reduced to what the hub needs: identity, version and label per code."""

    uri: str
    version: str
    labels: Mapping[str, str]


def codelist_path(shared_dir: Path) -> Path:
    return shared_dir.joinpath(*CODELIST_FILE)


def _read(path: Path) -> Codelist:
    codelist = read_codelist(path, CODELIST_URI, key="code", name="beschreibung")
    return Codelist(uri=codelist.uri, version=codelist.version, labels=MappingProxyType(dict(codelist.entries)))


_lock = threading.Lock()


@lru_cache(maxsize=2)
def _cached(path: Path) -> Codelist:
    return _read(path)


def status_codelist(shared_dir: Path) -> Codelist:
    """The statusbauportal code list below `shared_dir`, read once per process."""
    with _lock:
        return _cached(codelist_path(shared_dir))


def status_label(code: str, shared_dir: Path) -> str:
    """The label the code list gives `code`, e.g. 10 -> "Bescheid erteilt"; InvalidField for an unknown code."""
    codelist = status_codelist(shared_dir)
    label = codelist.labels.get(code.strip())
    if label is None:
        raise InvalidField(
            f"Statuscode {code!r} steht nicht in der Codeliste {codelist.uri} Version {codelist.version}",
            field=STATUS_FIELD,
        )
    return label
