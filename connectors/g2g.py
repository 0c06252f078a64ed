"""The XÖV g2g message header (`nachrichtenkopf.g2g` with `leser` and `autor` as kennung, name, erreichbarkeit), which
XBau and XPersonenstand share: look-ups by local name, and a recipient's copy re-addressed to it.

Elements are matched by local name: their namespaces vary between standards and modules, and XSD validation has
already fixed where each one may occur.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from connectors.errors import InvalidField, MissingField
from connectors.minimise import minimise
from connectors.secure_xml import local_name

HEAD = "nachrichtenkopf.g2g"
IDENT = f"{HEAD}/identifikation.nachricht"
# The recipient's own reader entry is part of every copy; without it the message would name no reader.
ALWAYS_KEPT = f"{HEAD}/leser"


def child(element: etree._Element | None, path: str) -> etree._Element | None:
    """The first element reached by local names `path` ('a/b/c'), whatever their namespaces."""
    for name in path.split("/"):
        if element is None:
            return None
        element = next((c for c in element if isinstance(c.tag, str) and local_name(c) == name), None)
    return element


def text(element: etree._Element | None, path: str) -> str | None:
    """The stripped text at `path`, or None when it is absent or blank."""
    found = child(element, path)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def required(element: etree._Element | None, path: str, where: str) -> str:
    value = text(element, path)
    if value is None:
        field = f"{where}/{path}" if where else path
        raise MissingField(f"{field} is missing or empty", field=field)
    return value


def timestamp(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidField(f"{field} is not an ISO 8601 time", field=field) from exc


def readdress(root: etree._Element, authority: str, name: str | None) -> None:
    """Make `authority` (DVDV prefix:key) the reader: its kennung and name, none of the former reader's channels.

    The header requires leser/name, so without a directory name the key stands in for it.
    """
    leser = child(root, ALWAYS_KEPT)
    if leser is None:
        raise MissingField(f"{ALWAYS_KEPT} is missing", field=ALWAYS_KEPT)
    kennung, old_name = child(leser, "kennung"), child(leser, "name")
    if kennung is None or old_name is None:
        raise MissingField(f"{ALWAYS_KEPT}/kennung or name is missing", field=f"{ALWAYS_KEPT}/kennung")
    kennung.text = authority
    old_name.text = name or authority
    for extra in [c for c in leser if isinstance(c.tag, str) and etree.QName(c).localname == "erreichbarkeit"]:
        leser.remove(extra)  # the former reader's channels belong to another authority


def derive(tree: etree._ElementTree, authority: str, name: str | None, keep: Sequence[str]) -> bytes:
    """The message as `authority` receives it: its own reader entry, and only the parts `keep` allows."""
    root = copy.deepcopy(tree.getroot())
    readdress(root, authority, name)
    minimise(root, (*keep, ALWAYS_KEPT))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
