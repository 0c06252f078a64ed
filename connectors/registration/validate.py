"""Check a message against what XMeld itself defines; xinneres parts (header, dates, addresses) only for presence.

Strict XSD validation is impossible offline (XMeld imports xinneres by remote URL), so this walks the message with
the content models of `schema.py`: element order and occurrences, required elements and attributes, fixed values and
the code lists and patterns of XMeld's own simple types. Elements of xinneres/XÖV types are accepted once present.
Every finding is a ConnectorError with the element path; values are named only when they are code-list codes.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from connectors.errors import ConnectorError, MissingField, SchemaViolation
from connectors.registration.schema import ComplexType, Element, External, Particle, Schema, SimpleType
from connectors.secure_xml import local_name

SCOPE = (
    "XMeld-Elemente geprüft (Reihenfolge, Pflichtelemente, Attribute, Codelisten aus xmeld-codes.xsd); "
    "xinneres-Module (Kopf, Datum, Anschrift) nur auf Vorhandensein geprüft"
)
MAX_PROBLEMS = 50  # a thoroughly broken message yields this many findings, then one note that more were left out
_BOOLEAN = {"1": "true", "0": "false"}


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _line(node: etree._Element) -> int | None:
    line: object = node.sourceline  # lxml-stubs type it loosely
    return line if isinstance(line, int) else None


def _first_names(particle: Particle) -> list[str]:
    if isinstance(particle, Element):
        return [particle.name]
    if particle.compositor == "choice":
        return [name for p in particle.particles for name in _first_names(p)]
    return _first_names(particle.particles[0]) if particle.particles else []


class _Walk:
    """One validation run: matches children against content models greedily (XSD content models are deterministic)."""

    def __init__(self, schema: Schema, version: str) -> None:
        self.schema = schema
        self.version = version
        self.problems: list[ConnectorError] = []
        self._patterns: dict[str, re.Pattern[str] | None] = {}

    def report(self, error: ConnectorError) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(error)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(SchemaViolation(f"more than {MAX_PROBLEMS} findings; the rest are left out", field=""))

    def is_(self, node: etree._Element, decl: Element) -> bool:
        qname = etree.QName(node)
        expected = self.schema.target_namespace if decl.qualified else None
        return qname.localname == decl.name and qname.namespace == expected

    def occurs(self, p: Particle, kids: list[etree._Element], i: int,
               matched: list[tuple[etree._Element, Element]]) -> tuple[int, list[str]]:
        """Match `p` as often as it may occur from kids[i]; returns the next index and what required parts lack."""
        count, missing = 0, []
        while p.max is None or count < p.max:
            j, gaps = self.once(p, kids, i, matched)
            if j == i:
                break
            i, count = j, count + 1
            missing += gaps
        if count < p.min:
            missing += self.once(p, kids, i, [])[1]
        return i, missing

    def once(self, p: Particle, kids: list[etree._Element], i: int,
             matched: list[tuple[etree._Element, Element]]) -> tuple[int, list[str]]:
        if isinstance(p, Element):
            if i < len(kids) and self.is_(kids[i], p):
                matched.append((kids[i], p))
                return i + 1, []
            return i, [p.name]
        if p.compositor == "sequence":
            missing: list[str] = []
            for sub in p.particles:
                i, gaps = self.occurs(sub, kids, i, matched)
                missing += gaps
            return i, missing
        for sub in p.particles:
            j, gaps = self.occurs(sub, kids, i, matched)
            if j > i:
                return j, gaps
        if any(not self.occurs(sub, kids, i, [])[1] for sub in p.particles):
            return i, []
        return i, ["(" + "|".join(_first_names(p)) + ")"]

    def element(self, node: etree._Element, type_ref: str | ComplexType | SimpleType | External, path: str) -> None:
        definition = self.schema.resolve(type_ref)
        if isinstance(definition, External):
            return  # xinneres/XÖV type: present is all that can be said offline
        if isinstance(definition, SimpleType):
            self.value(node, definition, path)
            return
        self.attributes(node, definition, path)
        kids = [child for child in node if isinstance(child.tag, str)]
        matched: list[tuple[etree._Element, Element]] = []
        position, missing = self.occurs(definition.content, kids, 0, matched) if definition.content else (0, [])
        for name in dict.fromkeys(missing):
            self.report(MissingField(f"{_join(path, name)} is required by XMeld {self.version} but missing",
                                     field=_join(path, name)))
        totals = Counter(child.tag for child in kids)
        seen: Counter[str | bytes | bytearray | etree.QName] = Counter()
        paths = []
        for child in kids:
            seen[child.tag] += 1
            suffix = f"[{seen[child.tag]}]" if totals[child.tag] > 1 else ""
            paths.append(_join(path, local_name(child) + suffix))
        if position < len(kids):
            self.report(SchemaViolation(
                f"{paths[position]}: element not allowed here by XMeld {self.version} "
                f"({definition.name}: undefined there, or out of order)",
                field=paths[position], line=_line(kids[position])))
        index = {id(child): p for child, p in zip(kids, paths, strict=True)}
        for child, decl in matched:
            child_path = index[id(child)]
            if decl.fixed is not None and self.text(child, decl.fixed) != decl.fixed:
                self.report(SchemaViolation(f"{child_path} must be '{decl.fixed}' in XMeld {self.version}",
                                            field=child_path, line=_line(child)))
            self.element(child, decl.type, child_path)

    def attributes(self, node: etree._Element, definition: ComplexType, path: str) -> None:
        for attribute in definition.attributes:
            field = _join(path, f"@{attribute.name}")
            value = node.get(attribute.name)
            if value is None:
                if attribute.required:
                    self.report(MissingField(f"{field} is required by XMeld {self.version} but missing", field=field))
            elif attribute.fixed is not None and value.strip() != attribute.fixed:
                self.report(SchemaViolation(f"{field} is '{value[:40]}', XMeld {self.version} fixes it to "
                                            f"'{attribute.fixed}'", field=field, line=_line(node)))

    @staticmethod
    def text(node: etree._Element, fixed: str) -> str:
        value = " ".join((node.text or "").split())
        return _BOOLEAN.get(value, value) if fixed in _BOOLEAN.values() else value

    def value(self, node: etree._Element, definition: SimpleType, path: str) -> None:
        value = " ".join((node.text or "").split())
        if definition.enumeration and value not in definition.enumeration:
            self.report(SchemaViolation(f"{path}: '{value[:40]}' is not a code of {definition.name} in XMeld "
                                        f"{self.version}", field=path, line=_line(node)))
        for pattern in definition.patterns:
            compiled = self.pattern(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:  # the value itself may be personal
                self.report(SchemaViolation(f"{path} does not match the pattern of {definition.name} in XMeld "
                                            f"{self.version}", field=path, line=_line(node)))

    def pattern(self, pattern: str) -> re.Pattern[str] | None:
        """XSD patterns as Python regexes; one Python cannot read is skipped (lenient, never a false rejection)."""
        if pattern not in self._patterns:
            try:
                self._patterns[pattern] = re.compile(pattern)
            except re.error:
                self._patterns[pattern] = None
        return self._patterns[pattern]


def validate(root: etree._Element, schema: Schema, version: str) -> list[ConnectorError]:
    """Every finding against XMeld's own definitions, in document order; empty when the message conforms."""
    declaration = schema.message(local_name(root))
    if declaration is None:
        return [SchemaViolation(f"{local_name(root)} is not a message of XMeld {version}", field=local_name(root))]
    walk = _Walk(schema, version)
    walk.element(root, declaration.type, "")
    return walk.problems
