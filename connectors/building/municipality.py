"""The municipality an XBau message concerns, as an 8-digit AGS (amtlicher Gemeindeschlüssel).

1. The building plot's key: the first `gemeindeschluessel/code` of the message body. In XBau 2.6 the element occurs
   only where a plot is located (AnschriftGrundstueckErweitert in baugrundstueck/grundstueck/anschrift, and
   VerwaltungspolitischeKodierung of a plot in statistics), so it never names a person's place of residence.
2. Otherwise (most answers carry no plot): the key of the building authority among autor and leser, i.e. the party
   whose DVDV prefix is a building authority's (bab; ubb and gba as the DVDV code list also names building offices).
   Its digits are read as an AGS: 8 digits as they are, a Land (2), Regierungsbezirk (3) or Kreis (5) key padded
   with zeros to 8, a 12-digit regional key (ARS) reduced to its AGS. The district authority bab:06431000 thus gives
   06431000, which every AGS prefix rule for the district (06431) and the state (06) still matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from connectors.building.model import AgsQuelle, Behoerde
from connectors.errors import InvalidField, MissingField
from connectors.secure_xml import local_name
from topics.keys import AGS_PATTERN, ascii_digits

BUILDING_AUTHORITY_PREFIXES = ("bab", "ubb", "gba")
_AGS = re.compile(AGS_PATTERN)
_PADDABLE = (2, 3, 5)


def element_path(element: etree._Element) -> str:
    """Local names from below the root down to `element`, e.g. bauvorhaben/verortung/.../gemeindeschluessel."""
    names = [local_name(element)]
    parent = element.getparent()
    while parent is not None and parent.getparent() is not None:
        names.append(local_name(parent))
        parent = parent.getparent()
    return "/".join(reversed(names))


def plot_ags(root: etree._Element) -> str | None:
    """The first building plot's Gemeindeschlüssel, or None when the message names none."""
    for element in root.iter():
        if not isinstance(element.tag, str) or local_name(element) != "gemeindeschluessel":
            continue
        code = next((c for c in element if isinstance(c.tag, str) and local_name(c) == "code"), None)
        where = f"{element_path(element)}/code"
        value = (code.text or "").strip() if code is not None else ""
        if not value:
            raise MissingField(f"{where} fehlt oder ist leer", field=where)
        if not _AGS.fullmatch(value):
            raise InvalidField(f"{where} ist kein achtstelliger Gemeindeschlüssel", field=where)
        return value
    return None


def ags_from_key(key: str, field: str) -> str:
    """An authority key read as AGS (see the module docstring); InvalidField when it is no such key."""
    if _AGS.fullmatch(key):
        return key
    if ascii_digits(key) and len(key) in _PADDABLE:
        return key.ljust(8, "0")
    if ascii_digits(key) and len(key) == 12:  # ARS: Land, RB, Kreis (5) + Gemeindeverband (4) + Gemeinde (3)
        return key[:5] + key[9:]
    raise InvalidField(f"{field} {key!r} ist weder Gemeinde- noch Regionalschlüssel einer Bauaufsicht", field=field)


def building_authority(parties: Iterable[Behoerde]) -> Behoerde | None:
    """The first party whose DVDV prefix is a building authority's, or None."""
    return next((p for p in parties if p.praefix.lower() in BUILDING_AUTHORITY_PREFIXES), None)


def authority_ags(parties: Iterable[tuple[str, Behoerde]]) -> str:
    """The AGS of the building authority among (header path, authority) pairs; MissingField when there is none."""
    for where, party in parties:
        if party.praefix.lower() in BUILDING_AUTHORITY_PREFIXES:
            return ags_from_key(party.schluessel, f"{where}/kennung")
    raise MissingField(
        "die Nachricht nennt kein Baugrundstück (gemeindeschluessel), und weder autor noch leser ist eine "
        f"Bauaufsicht ({', '.join(BUILDING_AUTHORITY_PREFIXES)}); die Gemeinde bleibt unbekannt",
        field="gemeindeschluessel",
    )


def municipality(root: etree._Element, autor: Behoerde, leser: Behoerde) -> tuple[str, AgsQuelle]:
    """The municipality concerned and where it was found: the plot first, else the building authority's key."""
    ags = plot_ags(root)
    if ags is not None:
        return ags, "baugrundstueck"
    header = "nachrichtenkopf.g2g"
    return authority_ags(((f"{header}/autor", autor), (f"{header}/leser", leser))), "bauaufsicht"
