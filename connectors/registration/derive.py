"""Derive one recipient's copy of an XMeld message: re-addressed to that recipient and minimised by its policy."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from connectors.behoerde import Behoerde
from connectors.errors import MissingField
from connectors.minimise import minimise
from connectors.registration.paths import display, select
from connectors.registration.versions import Kopf
from connectors.secure_xml import copy_tree, namespace


def _readdress(root: etree._Element, recipient: Behoerde, kopf: Kopf) -> None:
    uri = namespace(root)
    leser = next(iter(select(root, kopf.reader, uri)), None)
    if leser is None:
        raise MissingField(f"{display(kopf.reader)} is missing", field=display(kopf.reader))
    kennung = next(iter(select(leser, kopf.identifier, uri)), None)
    if kennung is None:
        field = f"{display(kopf.reader)}/{kopf.identifier}"
        raise MissingField(f"{field} is missing", field=field)
    for child in list(leser):
        if child is not kennung:
            leser.remove(child)  # the addressed reader's name, channels and address belong to another authority
    for path, value in ((kopf.prefix, recipient.praefix), (kopf.key, recipient.kennung)):
        code = next(iter(select(leser, path, uri)), None)
        if code is None:
            field = f"{display(kopf.reader)}/{path}"
            raise MissingField(f"{field} is missing", field=field)
        code.text = value
    if recipient.name:
        # behoerdenname is unqualified like the rest of the xinneres header
        etree.SubElement(leser, kopf.name).text = recipient.name


def derive(tree: etree._ElementTree, recipient: Behoerde, keep: Sequence[str], kopf: Kopf) -> bytes:
    """The message as `recipient` receives it: its own reader entry, and only the parts `keep` allows.

    The reader entry is always kept: without it the copy would name no reader.
    """
    root = copy_tree(tree)
    _readdress(root, recipient, kopf)
    minimise(root, (*keep, display(kopf.reader)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
