"""Derive one recipient's copy of a Gewerbemeldung: a message of the recipient's own kind, addressed to it, reduced
to what its policy keeps and never below what the standard requires.

The root element and nachrichtentyp become those of the recipient's kind (sta.gewerbemeldung.0100 for a statistics
office, alg.gewerbemeldung.0300 for recipients without a type of their own); the recipient is the only `leser`,
with its key's code list; minimisation removes only parts the message type may omit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lxml import etree

from connectors.behoerde import Addressee
from connectors.errors import InvalidField, MissingField
from connectors.local_names import child
from connectors.minimise import minimise, with_required
from connectors.secure_xml import copy_tree, parse_secure
from connectors.trade.parse import IDENT
from connectors.trade.structure import Table, required_children
from connectors.trade.versions import TradeVersion, recognise

LESER = "nachrichtenkopf/leser"
# Which table version's required parts bind a copy when the version itself is checked by installed XSDs.
MODEL_FOR_XSD_VERSIONS = "2.2"


def _set_kind(root: etree._Element, spec: TradeVersion, kind: str) -> None:
    code = spec.kinds.get(kind)
    if code is None:
        known = ", ".join(spec.kinds)
        raise InvalidField(f"{spec.label} kennt die Nachrichtenart {kind} nicht (bekannt: {known})",
                           field=etree.QName(root).localname)
    root.tag = f"{{{etree.QName(root).namespace}}}{kind}.gewerbemeldung.{code}"
    typ = child(root, f"{IDENT}/nachrichtentyp/code")
    if typ is None:
        raise MissingField(f"{IDENT}/nachrichtentyp/code fehlt", field=f"{IDENT}/nachrichtentyp")
    typ.text = code


def _readdress(root: etree._Element, recipient: Addressee) -> None:
    """Make `recipient` the only reader: its key, the code list of its key and its name; nothing of the former
    reader's channels or address."""
    leser = child(root, LESER)
    kennung = child(leser, "behoerdenkennung") if leser is not None else None
    if leser is None or kennung is None:
        raise MissingField(f"{LESER}/behoerdenkennung fehlt", field=f"{LESER}/behoerdenkennung")
    name = child(leser, "behoerdenname")
    for former in list(leser):
        if former is not kennung and former is not name:
            leser.remove(former)
    behoerde = recipient.behoerde
    for part, value in (("praefix", behoerde.praefix), ("kennung", behoerde.kennung)):
        node, code = child(kennung, part), child(kennung, f"{part}/code")
        if node is None or code is None:
            raise MissingField(f"{LESER}/behoerdenkennung/{part}/code fehlt",
                               field=f"{LESER}/behoerdenkennung/{part}")
        code.text = value
        if part == "kennung":
            for attribute, given in (("listURI", recipient.codelist), ("listVersionID", recipient.codelist_version)):
                if given:
                    node.set(attribute, given)
                elif attribute in node.attrib:
                    del node.attrib[attribute]  # the former reader's code list does not describe this key
    if name is None:  # required: the key stands in when the directory names none
        space = etree.QName(kennung).namespace
        name = etree.SubElement(leser, f"{{{space}}}behoerdenname" if space else "behoerdenname")
    name.text = recipient.name or recipient.key


def derive_tree(tree: etree._ElementTree, recipient: Addressee, keep: Sequence[str]) -> etree._Element:
    """The copy for `recipient` as a tree: its kind, its reader entry, the parts `keep` and the standard demand."""
    spec, kind, _code = recognise(tree.getroot())
    root = copy_tree(tree)
    _set_kind(root, spec, recipient.kind or kind)
    _readdress(root, recipient)
    minimise(root, _keep(tuple(keep), spec.table(), spec.structure or MODEL_FOR_XSD_VERSIONS))
    return root


@lru_cache(maxsize=64)
def _keep(keep: tuple[str, ...], table: Table, version: str) -> tuple[str, ...]:
    """A policy's paths plus what the standard requires below them: the same for every copy, so computed once."""
    return with_required((*keep, LESER), required_children(table, version))


def derive(tree: etree._ElementTree, recipient: Addressee, keep: Sequence[str]) -> bytes:
    """The message as `recipient` receives it, serialised."""
    return etree.tostring(derive_tree(tree, recipient, keep), xml_declaration=True, encoding="UTF-8")


def derive_from_bytes(payload: bytes, recipient: Addressee, keep: Sequence[str], *, max_bytes: int) -> bytes:
    """The copy of the trade message `payload` for `recipient`: what a forwarding step (the Rückmeldeverfahren
    between trade offices) sends, derived exactly like every other copy."""
    return derive(parse_secure(payload, max_bytes=max_bytes), recipient, keep)
