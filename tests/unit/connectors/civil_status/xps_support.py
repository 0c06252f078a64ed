"""Messages for the civil-status tests, built from the shared samples with the tests' own XPath, not the connector's.

The samples hold a Geburt request of each kind and one delivery; the builders here turn them into the other
registers' electronic requests and deliveries, which the official XSDs accept as well (the tests check that).
"""

from __future__ import annotations

import copy

from lxml import etree

XPS = "http://xpsw.domap.de/xpsw2611"
NS = {"xps": XPS}
HEAD = "/*/nachrichtenkopf.g2g"
REGISTER_DIGITS = {"Geburt": "1", "Ehe": "2", "LP": "3", "Sterbefall": "4"}
# the entry element of each register and its place element, as xpersonenstand-nachrichten-portale.xsd declares them
ENTRIES = {
    "Geburt": ("kind", "geburtsort"),
    "Ehe": ("beurkundeteEhe", "ortEhe"),
    "LP": ("beurkundeteLP", "ortBegruendung"),
    "Sterbefall": ("beurkundeterSterbefall", "sterbeort"),
}


def nodes(root: etree._Element | etree._ElementTree, xpath: str) -> list[etree._Element]:
    result = root.xpath(xpath, namespaces=NS)
    assert isinstance(result, list)
    return [node for node in result if isinstance(node, etree._Element)]


def node(root: etree._Element | etree._ElementTree, xpath: str) -> etree._Element:
    found = nodes(root, xpath)
    assert len(found) == 1, f"{xpath} selects {len(found)} elements"
    return found[0]


def text(root: etree._Element | etree._ElementTree, xpath: str) -> str:
    return str(root.xpath(f"normalize-space({xpath})", namespaces=NS))


def set_text(root: etree._Element, xpath: str, value: str) -> None:
    node(root, xpath).text = value


def _q(name: str) -> str:
    return f"{{{XPS}}}{name}"


def retype(data: bytes, register: str, typ: str) -> etree._Element:
    """The message with root element and nachrichtentyp of `register` and type `typ` (030 … 033)."""
    root = etree.fromstring(data)
    direction = "stA2portal" if typ == "033" else "portal2StA"
    code = f"08{REGISTER_DIGITS[register]}{typ}"
    root.tag = _q(f"{direction}.{register}.{code}")
    set_text(root, f"{HEAD}/identifikation.nachricht/nachrichtentyp/code", code)
    set_text(root, f"{HEAD}/identifikation.nachricht/nachrichtentyp/name", f"{direction}.{register}.{code}")
    return root


def _entry(register: str, names: etree._Element, born: str, place: str) -> etree._Element:
    """The entry of `register` for a person named like `names` (a PersonName), at `place`."""
    element, place_element = ENTRIES[register]
    entry = etree.Element(_q(element))

    def person(name: str) -> None:
        part = etree.SubElement(entry, _q(name))
        part.extend(copy.deepcopy(list(names)))

    if register in ("Geburt", "Sterbefall"):
        person("namen")
        etree.SubElement(entry, _q("geburtsdatum")).text = born
    else:
        first, second = ("ehegatte1", "ehegatte2") if register == "Ehe" else ("lebenspartner1", "lebenspartner2")
        person(first)
        person(second)
        etree.SubElement(entry, _q("datumEhe" if register == "Ehe" else "datumBegruendung")).text = "1990-05-05"
    etree.SubElement(entry, _q(place_element)).text = place
    return entry


def electronic_request(sample_032: bytes, register: str, place: str = "Bensheim") -> bytes:
    """Sample 02 (a Geburt 081032) as the electronic request of `register` for an entry at `place`."""
    root = retype(sample_032, register, "032")
    kind = node(root, "xps:kind")
    entry = _entry(register, node(kind, "xps:namen"), text(kind, "xps:geburtsdatum"), place)
    kind.addprevious(entry)
    root.remove(kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def delivery(sample_033: bytes, register: str) -> bytes:
    """Sample 03 (a Geburt 081033) as the delivery of `register`; its content is the same for every register."""
    return etree.tostring(retype(sample_033, register, "033"), xml_declaration=True, encoding="UTF-8")


def with_place(data: bytes, place: str) -> bytes:
    """The request with its entry's place (whichever register) set to `place`."""
    root = etree.fromstring(data)
    places = [p for _, p in ENTRIES.values()]
    found = [n for n in root.iter() if isinstance(n.tag, str) and etree.QName(n).localname in places]
    assert len(found) == 1
    found[0].text = place
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def with_header(data: bytes, role: str, kennung: str) -> bytes:
    """The message with `role` (autor or leser) keyed `kennung`."""
    root = etree.fromstring(data)
    set_text(root, f"{HEAD}/{role}/kennung", kennung)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
