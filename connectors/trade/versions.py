"""The trade version table: XGewerbeanzeige 2.x and its successor XGewerbeordnung 1.x, recognised by namespace.

Each entry names its standard and version, the message kinds its root elements may name (`<kind>.gewerbemeldung.
<code>`), how it is validated (a content-model table, or the official XSDs the operator installs, because neither
standard's XSDs may be distributed) and where a notification names the business's previous location. Adding a
version is adding an entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from connectors.errors import UnknownMessageType, UnknownStandard, UnsupportedVersion
from connectors.secure_xml import local_name, namespace
from connectors.trade.structure import Table, load_table

XGEWERBEANZEIGE = "XGewerbeanzeige"
XGEWERBEORDNUNG = "XGewerbeordnung"
FAMILY = (
    "http://www.xgewerbeanzeige.de/spezifikation/",
    "http://www.xgewerbeordnung.de/spezifikation/",
)
TABLE_FILE = Path(__file__).resolve().parent / "data" / "xgewerbeanzeige-2.toml"
_ROOT = re.compile(r"^(?P<kind>[a-z]+)\.gewerbemeldung\.(?P<code>[0-9]{4})$")

# Message kinds of XGewerbeanzeige 2.1/2.2; XGewerbeordnung keeps its predecessor's recipient kinds.
KINDS: Mapping[str, str] = MappingProxyType({"sta": "0100", "dgu": "0230", "lue": "0290", "alg": "0300", "abh": "0500"})
# Where a notification at the new place names the previous location's municipality (AGS), relative to the Satz
# record. Neither sample carries it; this is the hub's reading until the official XSDs confirm the element.
PREVIOUS_LOCATION = ("bisherigeBetriebsstaette/gemeindeSchluessel/code",)


@dataclass(frozen=True)
class TradeVersion:
    """One version: `structure` names the content-model table version that checks it; None means only the official
    XSDs can, which the operator installs below HUB_SCHEMA_DIR as `<standard>/<version>/`."""

    standard: str
    version: str
    namespace: str
    kinds: Mapping[str, str]
    structure: str | None = None
    previous_location: tuple[str, ...] = PREVIOUS_LOCATION

    @property
    def label(self) -> str:
        return f"{self.standard} {self.version}"

    def table(self) -> Table:
        return load_table(TABLE_FILE)


def _xga(version: str) -> TradeVersion:
    return TradeVersion(XGEWERBEANZEIGE, version, f"{FAMILY[0]}{version}", KINDS, structure=version)


def _xgewo(version: str) -> TradeVersion:
    return TradeVersion(XGEWERBEORDNUNG, version, f"{FAMILY[1]}xga/{version}", KINDS)


VERSIONS: tuple[TradeVersion, ...] = (_xga("2.1"), _xga("2.2"), _xgewo("1.5"), _xgewo("1.6"), _xgewo("1.7"))


def is_trade_namespace(uri: str) -> bool:
    """Any XGewerbeanzeige or XGewerbeordnung namespace, read or not (an unread version is refused as such)."""
    return uri.startswith(FAMILY)


def recognise(root: etree._Element, versions: tuple[TradeVersion, ...] = VERSIONS) -> tuple[TradeVersion, str, str]:
    """(version, recipient kind, message type code) of a trade message's root; the precise error otherwise."""
    uri = namespace(root)
    if not is_trade_namespace(uri):
        raise UnknownStandard(f"Wurzelelement {{{uri}}}{local_name(root)} gehört weder zu XGewerbeanzeige noch zu "
                              "XGewerbeordnung", field=local_name(root))
    spec = next((v for v in versions if v.namespace == uri), None)
    if spec is None:
        known = ", ".join(v.label for v in versions)
        raise UnsupportedVersion(f"der Namensraum {uri} ist nicht in der Versionstabelle des Hubs; er liest {known}",
                                 field=local_name(root))
    match = _ROOT.match(local_name(root))
    if match is None:
        raise UnknownMessageType(f"{local_name(root)} ist keine Gewerbemeldung ({spec.label}: "
                                 "<art>.gewerbemeldung.<code>)", field=local_name(root))
    kind, code = match["kind"], match["code"]
    if spec.kinds.get(kind) != code:
        known = ", ".join(f"{k}.gewerbemeldung.{c}" for k, c in spec.kinds.items())
        raise UnknownMessageType(f"{local_name(root)} ist keine Nachricht von {spec.label}; bekannt sind {known}",
                                 field=local_name(root))
    return spec, kind, code
