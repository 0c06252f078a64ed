"""Typed XPath look-ups for tests that read XBau samples independently of the connector's own parser."""

from __future__ import annotations

from lxml import etree

NS = {
    "xbau": "http://www.xleitstelle.de/xbau/2/6",
    "xbauk": "http://www.xleitstelle.de/xbau/kernmodul/1/3/0",
    "bn": "http://xoev.de/schemata/basisnachricht/g2g/1_1",
}
HEAD = "/*/nachrichtenkopf.g2g"
# bezug is qualified in XBau messages (xbau:bezug) and unqualified in Kernmodul messages.
BEZUG = "/*/*[local-name()='bezug']"


def nodes(root: etree._Element | etree._ElementTree, xpath: str) -> list[etree._Element]:
    """Elements selected by `xpath`."""
    result = root.xpath(xpath, namespaces=NS)
    assert isinstance(result, list)
    return [node for node in result if isinstance(node, etree._Element)]


def node(root: etree._Element | etree._ElementTree, xpath: str) -> etree._Element:
    """The one element `xpath` selects."""
    found = nodes(root, xpath)
    assert len(found) == 1, f"{xpath} selects {len(found)} elements"
    return found[0]


def text(root: etree._Element | etree._ElementTree, xpath: str) -> str:
    """The whitespace-normalised string value of `xpath` ('' when nothing is selected)."""
    return str(root.xpath(f"normalize-space({xpath})", namespaces=NS))


def remove(root: etree._Element, xpath: str) -> None:
    """Remove every element `xpath` selects."""
    for element in nodes(root, xpath):
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)


def line_of(element: etree._Element) -> int:
    """The element's source line (lxml-stubs do not type sourceline)."""
    line = getattr(element, "sourceline", None)
    assert isinstance(line, int)
    return line
