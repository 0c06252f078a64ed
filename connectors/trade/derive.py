"""Derive one recipient's copy of a Gewerbemeldung: re-addressed to that recipient and minimised by its policy."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from lxml import etree

from connectors.behoerde import Behoerde
from connectors.errors import MissingField
from connectors.minimise import minimise
from connectors.secure_xml import namespace

# The recipient's own reader entry is part of every copy; without it the message would name no reader.
ALWAYS_KEPT = "nachrichtenkopf/leser"


def _readdress(root: etree._Element, recipient: Behoerde) -> None:
    ns = namespace(root)
    leser = root.find(f"{{{ns}}}nachrichtenkopf/{{{ns}}}leser")
    if leser is None:
        raise MissingField("nachrichtenkopf/leser is missing", field="nachrichtenkopf/leser")
    kennung = leser.find(f"{{{ns}}}behoerdenkennung")
    if kennung is None:
        raise MissingField("nachrichtenkopf/leser/behoerdenkennung is missing",
                           field="nachrichtenkopf/leser/behoerdenkennung")
    for child in list(leser):
        if child is not kennung:
            leser.remove(child)  # the addressed reader's channels and address belong to another authority
    for part, value in (("praefix", recipient.praefix), ("kennung", recipient.kennung)):
        code = kennung.find(f"{{{ns}}}{part}/code")
        if code is None:
            raise MissingField(f"nachrichtenkopf/leser/behoerdenkennung/{part}/code is missing",
                               field=f"nachrichtenkopf/leser/behoerdenkennung/{part}")
        code.text = value
    if recipient.name:
        etree.SubElement(leser, f"{{{ns}}}behoerdenname").text = recipient.name


def derive(tree: etree._ElementTree, recipient: Behoerde, keep: Sequence[str]) -> bytes:
    """The message as `recipient` receives it: its own reader entry, and only the parts `keep` allows."""
    root = copy.deepcopy(tree.getroot())
    _readdress(root, recipient)
    minimise(root, (*keep, ALWAYS_KEPT))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
