"""The version table agrees with the official schema: every root it reads is declared with its code, every path it
looks up is declared below that root, and every root kind is recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.civil_status.parse import recognise
from connectors.civil_status.versions import VERSIONS, XPERSONENSTAND_26_11, MessageSpec
from hub.settings import Settings

XS = "http://www.w3.org/2001/XMLSchema"
TABLE = [(name, spec) for name, spec in XPERSONENSTAND_26_11.messages.items()]


class Declarations:
    """Element declarations of the XPersonenstand files, followed through named types and their bases."""

    def __init__(self, folder: Path) -> None:
        self.roots = [etree.parse(str(f)).getroot() for f in sorted(folder.glob("*.xsd"))]
        self.types = {t.get("name"): t for r in self.roots for t in r.iterfind(f"{{{XS}}}complexType")}
        self.elements = {e.get("name"): e for r in self.roots for e in r.iterfind(f"{{{XS}}}element")}

    def children(self, declaration: etree._Element) -> dict[str, etree._Element]:
        """The element declarations directly inside `declaration` (an element or a complex type)."""
        found: dict[str, etree._Element] = {}
        pending = [declaration]
        while pending:
            current = pending.pop()
            named = (current.get("type") or "").rpartition(":")[2]
            if current.tag == f"{{{XS}}}element" and named in self.types:
                pending.append(self.types[named])
            for node in current.iter():
                if node is current:
                    continue
                if node.tag == f"{{{XS}}}element" and self._owner(node) is current:
                    found[str(node.get("name"))] = node
                elif node.tag == f"{{{XS}}}extension" and self._owner(node) is current:
                    base = str(node.get("base")).rpartition(":")[2]
                    if base in self.types:
                        pending.append(self.types[base])
        return found

    @staticmethod
    def _owner(node: etree._Element) -> etree._Element | None:
        """The nearest enclosing element declaration or named type."""
        parent = node.getparent()
        while parent is not None and not (parent.tag == f"{{{XS}}}element" or parent.get("name")):
            parent = parent.getparent()
        return parent

    def declares(self, root: str, path: str) -> bool:
        current = self.elements.get(root)
        for step in path.split("/"):
            if current is None:
                return False
            current = self.children(current).get(step)
        return current is not None


@pytest.fixture(scope="module")
def declarations(settings: Settings) -> Declarations:
    return Declarations(settings.shared_dir.joinpath(*XPERSONENSTAND_26_11.schema).parent)


@pytest.fixture(scope="module")
def type_codes(settings: Settings) -> dict[str, str]:
    """The schema's nachrichtentyp code list: code → message name (appinfo/name)."""
    codes = settings.shared_dir.joinpath(*XPERSONENSTAND_26_11.schema).parent / "xpersonenstand-codes.xsd"
    root = etree.parse(str(codes)).getroot()
    listing = root.find(f"{{{XS}}}complexType[@name='Code.Nachrichtentyp']")
    assert listing is not None
    return {str(e.get("value")): str(e.findtext(f"{{{XS}}}annotation/{{{XS}}}appinfo/name")).strip()
            for e in listing.iter(f"{{{XS}}}enumeration")}


def test_the_table_reads_every_certificate_message_of_26_11(type_codes: dict[str, str]) -> None:
    wanted = {name for name in type_codes.values()
              if name.split(".")[-1][3:] in ("030", "031", "032", "033") and name.split(".")[-1].startswith("08")}
    assert wanted == set(XPERSONENSTAND_26_11.messages)
    assert len(wanted) == 15  # four registers × request, § 46 PStV, electronic, delivery; Sterbefall has no 084031


@pytest.mark.parametrize(("name", "spec"), TABLE, ids=[name for name, _ in TABLE])
def test_each_entry_matches_the_schemas_declarations(name: str, spec: MessageSpec, type_codes: dict[str, str],
                                                     declarations: Declarations) -> None:
    assert type_codes[spec.code] == name
    assert name.split(".")[1] == spec.register
    for path in (spec.place, spec.payment, spec.zuordnung, XPERSONENSTAND_26_11.applicant):
        assert path is None or declarations.declares(name, path), (name, path)


def test_the_walk_finds_no_element_a_message_does_not_declare(declarations: Declarations) -> None:
    assert declarations.declares("portal2StA.Geburt.081032", "kind/geburtsort")
    assert not declarations.declares("portal2StA.Geburt.081032", "kind/sterbeort")
    assert not declarations.declares("portal2StA.Geburt.081030", "zuordnung")


@pytest.mark.parametrize(("name", "spec"), TABLE, ids=[name for name, _ in TABLE])
def test_each_root_kind_is_recognised(name: str, spec: MessageSpec) -> None:
    root = etree.Element(f"{{{XPERSONENSTAND_26_11.namespace}}}{name}")
    version, message = recognise(root, VERSIONS)
    assert version is XPERSONENSTAND_26_11 and message is spec
    assert message.direction == ("lieferung" if name.startswith("stA2portal.") else "anforderung")
