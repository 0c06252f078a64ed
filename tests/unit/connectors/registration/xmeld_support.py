"""Typed XPath helpers and message surgery for the XMeld tests; they read samples independently of the connector."""

from __future__ import annotations

from lxml import etree

from connectors.errors import ConnectorError


def ns(root: etree._Element) -> dict[str, str]:
    """Prefix x: bound to the sample's own XMeld namespace (read from the document, not from the connector)."""
    return {"x": etree.QName(root).namespace or ""}


def nodes(root: etree._Element, xpath: str) -> list[etree._Element]:
    result = root.xpath(xpath, namespaces=ns(root))
    assert isinstance(result, list)
    return [node for node in result if isinstance(node, etree._Element)]


def text(root: etree._Element, xpath: str) -> str:
    """The string value of `xpath`, stripped, as XPath's string() gives it."""
    return str(root.xpath(f"string({xpath})", namespaces=ns(root))).strip()


def remove(data: bytes, xpath: str) -> bytes:
    """The message without every element `xpath` selects (at least one must exist)."""
    root = etree.fromstring(data)
    found = nodes(root, xpath)
    assert found, xpath
    for node in found:
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    return etree.tostring(root)


def set_text(data: bytes, xpath: str, value: str) -> bytes:
    root = etree.fromstring(data)
    found = nodes(root, xpath)
    assert found, xpath
    for node in found:
        node.text = value
    return etree.tostring(root)


def fields(error: ConnectorError) -> list[str]:
    """The field of every error reported for one message."""
    return [e.field or "" for e in error.all_errors]
