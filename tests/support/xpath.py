"""Typed XPath helpers for tests that read XGewerbeanzeige documents independently of the hub's parser."""

from __future__ import annotations

from lxml import etree

X = {"x": "http://www.xgewerbeanzeige.de/spezifikation/2.1"}


def nodes(root: etree._Element, xpath: str) -> list[etree._Element]:
    """Elements selected by `xpath` (prefix x: is the XGewerbeanzeige 2.1 namespace)."""
    result = root.xpath(xpath, namespaces=X)
    assert isinstance(result, list)
    return [node for node in result if isinstance(node, etree._Element)]


def text(root: etree._Element, xpath: str) -> str:
    """The string value of `xpath`, as XPath's string() gives it."""
    return str(root.xpath(f"string({xpath})", namespaces=X))


def texts(root: etree._Element, xpath: str) -> list[str]:
    """Non-blank text nodes selected by `xpath`, stripped."""
    result = root.xpath(xpath, namespaces=X)
    assert isinstance(result, list)
    return [str(t).strip() for t in result if str(t).strip()]
