"""Derive one recipient's copy of an XBau message: re-addressed to that recipient and minimised by its policy."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from lxml import etree

from connectors.building.parse import HEAD, child
from connectors.errors import MissingField
from connectors.minimise import minimise

# The recipient's own reader entry is part of every copy; without it the message would name no reader.
ALWAYS_KEPT = f"{HEAD}/leser"


def readdress(root: etree._Element, authority: str, name: str | None) -> None:
    """Make `authority` (DVDV prefix:key) the reader: its kennung and name, none of the former reader's channels.

    XBau requires leser/name, so without a directory name the key stands in for it.
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
