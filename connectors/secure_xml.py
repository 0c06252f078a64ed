"""Hardened XML parsing shared by every connector: no DTD, no entities, no network, bounded size.

Every XÖV message enters the hub through `parse_secure`; nothing else in the hub parses untrusted XML.
"""

from __future__ import annotations

import re

from lxml import etree

from connectors.errors import EmptyMessage, ForbiddenXmlConstruct, MalformedXml, OversizedMessage

# A DOCTYPE or entity declaration is refused before libxml2 sees it, so no entity logic runs at all.
_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_MARKERS_UTF16 = ("<!DOCTYPE", "<!ENTITY")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=False,
    )


def _declares_dtd(data: bytes) -> bool:
    if _DTD_MARKERS.search(data):
        return True
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="ignore").upper()
        return any(marker in text for marker in _DTD_MARKERS_UTF16)
    return False


def parse_secure(data: bytes, *, max_bytes: int) -> etree._ElementTree:
    """Parse untrusted XML bytes, or raise a ConnectorError that says precisely why not."""
    if not data.strip():
        raise EmptyMessage("der Nachrichtenrumpf ist leer")
    if len(data) > max_bytes:
        raise OversizedMessage(f"die Nachricht hat {len(data)} Bytes; die Grenze liegt bei {max_bytes}")
    if _declares_dtd(data):
        raise ForbiddenXmlConstruct(
            "die Nachricht deklariert eine DTD oder Entitäten; XÖV-Nachrichten tun das nie, der Hub weist sie ab "
            "(Schutz vor XXE)"
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = f" in Zeile {exc.lineno}" if exc.lineno else ""
        raise MalformedXml(f"die Nachricht ist kein wohlgeformtes XML{line}: {exc.msg}") from exc
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise ForbiddenXmlConstruct("die Nachricht deklariert eine DTD; der Hub weist DTDs ab (Schutz vor XXE)")
    for node in root.iter(etree.Entity):
        raise ForbiddenXmlConstruct(f"die Nachricht verweist auf die Entität {node.text}; Entitäten werden abgewiesen")
    return tree


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace (read from lxml's "{namespace}name" tag: on every hot path)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else etree.QName(element).localname


def namespace(element: etree._Element) -> str:
    """The element's namespace URI, or an empty string."""
    tag = element.tag
    if isinstance(tag, str):
        return tag[1:tag.index("}")] if tag.startswith("{") else ""
    return etree.QName(element).namespace or ""
