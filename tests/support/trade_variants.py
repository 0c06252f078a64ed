"""Variants of the shared XGewerbeanzeige samples for tests: another recipient kind, a craft business, parts removed,
another namespace. Built from the samples, so every other value stays as the sample has it."""

from __future__ import annotations

from lxml import etree

from tests.support.xpath import nodes

XGA_21 = "http://www.xgewerbeanzeige.de/spezifikation/2.1"
ABH_KENNUNG = "urn:de:xauslaender:codelist:abhkennung"


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def as_kind(data: bytes, kind: str, code: str, reader: str | None = None, codelist: str | None = None) -> bytes:
    """The message as a `kind` message (root element and nachrichtentyp), optionally addressed to `reader`."""
    root = etree.fromstring(data)
    root.tag = f"{{{etree.QName(root).namespace}}}{kind}.gewerbemeldung.{code}"
    nodes(root, "x:nachrichtenkopf/x:identifikation.nachricht/x:nachrichtentyp/code")[0].text = code
    if reader is not None:
        return readdressed(_bytes(root), reader, codelist)
    return _bytes(root)


def readdressed(data: bytes, reader: str, codelist: str | None = None) -> bytes:
    """The message addressed to `reader` (prefix:key), its kennung naming `codelist` when given."""
    root = etree.fromstring(data)
    praefix, kennung = reader.split(":", 1)
    nodes(root, "x:nachrichtenkopf/x:leser/x:behoerdenkennung/x:praefix/code")[0].text = praefix
    node = nodes(root, "x:nachrichtenkopf/x:leser/x:behoerdenkennung/x:kennung")[0]
    nodes(node, "code")[0].text = kennung
    if codelist:
        node.set("listURI", codelist)
    return _bytes(root)


def craft(data: bytes) -> bytes:
    """The same notification, declared as a craft business."""
    root = etree.fromstring(data)
    for code in nodes(root, "//x:betriebArt/x:handwerk/code"):
        code.text = "1"
    return _bytes(root)


def without(data: bytes, *xpaths: str) -> bytes:
    """The message with every element `xpaths` select removed."""
    root = etree.fromstring(data)
    for xpath in xpaths:
        for node in nodes(root, xpath):
            parent = node.getparent()
            assert parent is not None
            parent.remove(node)
    return _bytes(root)


def in_namespace(data: bytes, namespace: str) -> bytes:
    """The message with the XGewerbeanzeige 2.1 namespace replaced by `namespace` (e.g. XGewerbeordnung 1.6)."""
    return data.replace(XGA_21.encode(), namespace.encode())


def naming_previous_location(data: bytes, ags: str) -> bytes:
    """The notification naming `ags` as the municipality of the business's previous location (see the trade
    version table's previous_location)."""
    root = etree.fromstring(data)
    ns = etree.QName(root).namespace
    record = nodes(root, "x:satz/*")[0]
    place = etree.SubElement(record, f"{{{ns}}}bisherigeBetriebsstaette")
    key = etree.SubElement(place, f"{{{ns}}}gemeindeSchluessel",
                           listURI="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags")
    etree.SubElement(key, "code").text = ags
    return _bytes(root)
