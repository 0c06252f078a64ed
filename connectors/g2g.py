"""The XÖV g2g message header (`nachrichtenkopf.g2g` with `leser` and `autor` as kennung, name, erreichbarkeit), which
XBau and XPersonenstand share: its paths, and a recipient's copy re-addressed to it (elements matched by local name,
see connectors/local_names.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from connectors.behoerde import Addressee
from connectors.errors import MissingField
from connectors.local_names import child
from connectors.minimise import minimise
from connectors.secure_xml import copy_tree

HEAD = "nachrichtenkopf.g2g"
IDENT = f"{HEAD}/identifikation.nachricht"
# The recipient's own reader entry is part of every copy; without it the message would name no reader.
ALWAYS_KEPT = f"{HEAD}/leser"


def readdress(root: etree._Element, authority: str, name: str | None) -> None:
    """Make `authority` (DVDV prefix:key) the reader: its kennung and name, none of the former reader's channels.

    The header requires leser/name, so without a directory name the key stands in for it.
    """
    leser = child(root, ALWAYS_KEPT)
    if leser is None:
        raise MissingField(f"{ALWAYS_KEPT} fehlt", field=ALWAYS_KEPT)
    kennung, old_name = child(leser, "kennung"), child(leser, "name")
    if kennung is None or old_name is None:
        raise MissingField(f"{ALWAYS_KEPT}/kennung oder name fehlt", field=f"{ALWAYS_KEPT}/kennung")
    kennung.text = authority
    old_name.text = name or authority
    for extra in [c for c in leser if isinstance(c.tag, str) and etree.QName(c).localname == "erreichbarkeit"]:
        leser.remove(extra)  # the former reader's channels belong to another authority


def derive(tree: etree._ElementTree, recipient: Addressee, keep: Sequence[str]) -> bytes:
    """The message as `recipient` receives it: its own reader entry, and only the parts `keep` allows."""
    root = copy_tree(tree)
    readdress(root, recipient.key, recipient.name)
    minimise(root, (*keep, ALWAYS_KEPT))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
