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

from lxml import etree

from connectors.errors import InvalidField
from hub.settings import get_settings

CODELIST_FILE = ("xoev", "codelists", "urn_xoev-de_xbau_codeliste_statusbauportal_3.0.xml")
CODELIST_URI = "urn:xoev-de:xbau:codeliste:statusbauportal"
STATUS_FIELD = "statusAntragsportal/code"
_GC = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"


class CodelistError(RuntimeError):
    """The code list file is missing or not the statusbauportal list: a deployment fault, not a bad message."""


@dataclass(frozen=True)
class Codelist:
    """A genericode code list reduced to what the hub needs: identity, version and label per code."""

    uri: str
    version: str
    labels: Mapping[str, str]


def codelist_path() -> Path:
    return get_settings().shared_dir.joinpath(*CODELIST_FILE)


def _read(path: Path) -> Codelist:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    try:
        root = etree.parse(str(path), parser=parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise CodelistError(f"cannot read the statusbauportal code list {path}: {exc}") from exc
    uri = root.findtext("Identification/CanonicalUri", default="").strip()
    version = root.findtext("Identification/Version", default="").strip()
    if root.tag != f"{{{_GC}}}CodeList" or uri != CODELIST_URI or not version:
        raise CodelistError(f"{path} is not the genericode code list {CODELIST_URI}")
    labels: dict[str, str] = {}
    for row in root.iterfind("SimpleCodeList/Row"):
        values = {v.get("ColumnRef"): (v.findtext("SimpleValue") or "").strip() for v in row.iterfind("Value")}
        code, label = values.get("code"), values.get("beschreibung")
        if code and label:
            labels[code] = label
    if not labels:
        raise CodelistError(f"{path} holds no codes")
    return Codelist(uri=uri, version=version, labels=MappingProxyType(labels))


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _cached() -> Codelist:
    return _read(codelist_path())


def status_codelist() -> Codelist:
    """The statusbauportal code list, read once per process."""
    with _lock:
        return _cached()


def status_label(code: str) -> str:
    """The label the code list gives `code`, e.g. 10 -> "Bescheid erteilt"; InvalidField for an unknown code."""
    codelist = status_codelist()
    label = codelist.labels.get(code.strip())
    if label is None:
        raise InvalidField(
            f"status code {code!r} is not in the code list {codelist.uri} version {codelist.version}",
            field=STATUS_FIELD,
        )
    return label
