"""The content models XMeld's own XSDs define, scanned once per process with lxml (no network, nothing fetched).

This module reads XMeld's files, following xs:include, and turns its own declarations into particles (sequence,
choice, element with occurrences), attributes and code lists: the version table is checked against them, and they
tell which parts of a message are typed by an imported module (`External`), e.g. one that had to be stood in for.
Validation itself is strict.py's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from lxml import etree

from connectors.registration.errors import SchemaUnavailable

XS = "http://www.w3.org/2001/XMLSchema"
_XS = f"{{{XS}}}"


@dataclass(frozen=True)
class External:
    """A type from a module that is not available offline (or an XSD built-in): accepted as it is."""

    name: str


@dataclass(frozen=True)
class SimpleType:
    """A simple type XMeld defines: its enumeration (empty = any value) and patterns, all inherited facets included."""

    name: str
    enumeration: frozenset[str]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Attribute:
    name: str
    required: bool
    fixed: str | None


@dataclass(frozen=True)
class Element:
    """A local or global element declaration; `type` is a named type's key or an anonymous definition."""

    name: str
    qualified: bool
    min: int
    max: int | None
    type: str | ComplexType | SimpleType | External
    fixed: str | None = None


@dataclass(frozen=True)
class Group:
    compositor: Literal["sequence", "choice"]
    particles: tuple[Particle, ...]
    min: int = 1
    max: int | None = 1


Particle = Element | Group


@dataclass(frozen=True)
class ComplexType:
    """Element-only content as XMeld defines it (None = empty) and its attributes."""

    name: str
    content: Group | None
    attributes: tuple[Attribute, ...]


Type = ComplexType | SimpleType | External


def _occurs(node: etree._Element) -> tuple[int, int | None]:
    maximum = node.get("maxOccurs", "1")
    return int(node.get("minOccurs", "1")), None if maximum == "unbounded" else int(maximum)


class Schema:
    """XMeld's declarations of one version, indexed by name; named types are compiled on first use and memoised."""

    def __init__(self, entry: Path) -> None:
        self.entry = entry
        self._files: list[etree._Element] = []
        self._seen: set[Path] = set()
        self._load(entry.resolve(), entry.resolve().parent)
        namespaces = {root.get("targetNamespace") for root in self._files}
        if len(namespaces) != 1 or None in namespaces:
            raise SchemaUnavailable(f"{entry}: the included files do not share one target namespace")
        self.target_namespace = str(namespaces.pop())
        self._named: dict[str, etree._Element] = {}
        self._elements: dict[str, etree._Element] = {}
        for root in self._files:
            for node in root:
                if node.tag in (f"{_XS}complexType", f"{_XS}simpleType"):
                    self._named[f"{{{self.target_namespace}}}{node.get('name')}"] = node
                elif node.tag == f"{_XS}element":
                    self._elements[str(node.get("name"))] = node
        self._compiled: dict[str, Type] = {}
        self._code_lists: dict[str, dict[str, str]] = {}
        self._messages: dict[str, Element] = {}
        self._lock = threading.RLock()  # compiling a type resolves its base under the same lock

    def _load(self, path: Path, folder: Path) -> None:
        self._seen.add(path)
        if not path.is_relative_to(folder):
            raise SchemaUnavailable(f"{path} lies outside the schema folder {folder}")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
        try:
            root = etree.parse(str(path), parser=parser).getroot()
        except (OSError, etree.XMLSyntaxError) as exc:
            raise SchemaUnavailable(f"XMeld schema {path} cannot be read: {exc}") from exc
        self._files.append(root)
        for include in root.iterchildren(f"{_XS}include"):
            target = (path.parent / str(include.get("schemaLocation"))).resolve()
            if target not in self._seen:
                self._load(target, folder)

    def message(self, name: str) -> Element | None:
        """The global element `name` (a message root), or None if this version declares none such."""
        node = self._elements.get(name)
        if node is None:
            return None
        with self._lock:
            if name not in self._messages:
                self._messages[name] = self._element(node, "", global_=True)
            return self._messages[name]

    def resolve(self, ref: str | Type) -> Type:
        """The definition behind a type reference, compiled once."""
        if not isinstance(ref, str):
            return ref
        with self._lock:
            if ref not in self._compiled:
                node = self._named.get(ref)
                if node is None:
                    self._compiled[ref] = External(ref)
                elif node.tag == f"{_XS}complexType":
                    self._compiled[ref] = self._complex(node, str(node.get("name")))
                else:
                    self._compiled[ref] = self._simple(node, str(node.get("name")))
            return self._compiled[ref]

    def codes(self, code_type: str) -> dict[str, str]:
        """Code → first description column of a code-list type, e.g. Code.XMeld.Nachrichten: 0300 → element name."""
        with self._lock:
            if code_type not in self._code_lists:
                node = self._named.get(f"{{{self.target_namespace}}}{code_type}")
                enums = () if node is None else node.iter(f"{_XS}enumeration")
                self._code_lists[code_type] = {
                    str(e.get("value")): next((str(d.text).strip() for d in e.iter("wertErsteBeschreibungsspalte")), "")
                    for e in enums
                }
            return self._code_lists[code_type]

    # --- compilation --------------------------------------------------------------------------------------------

    def _qname(self, node: etree._Element, value: str) -> str:
        prefix, _, local = value.rpartition(":")
        uri = node.nsmap.get(prefix or None)
        return f"{{{uri}}}{local}" if uri else local

    def _type_ref(self, node: etree._Element, context: str) -> str | Type:
        if node.get("type"):
            key = self._qname(node, str(node.get("type")))
            return key if key.startswith(f"{{{self.target_namespace}}}") else External(key)
        for child in node:
            if child.tag == f"{_XS}complexType":
                return self._complex(child, context)
            if child.tag == f"{_XS}simpleType":
                return self._simple(child, context)
        return External("xs:anyType")

    def _element(self, node: etree._Element, context: str, *, global_: bool = False) -> Element:
        name = str(node.get("name"))
        form = node.get("form") or node.getroottree().getroot().get("elementFormDefault", "unqualified")
        low, high = (1, 1) if global_ else _occurs(node)
        where = f"{context}/{name}" if context else name
        return Element(name, global_ or form == "qualified", low, high, self._type_ref(node, where), node.get("fixed"))

    def _group(self, node: etree._Element, context: str) -> Group:
        particles: list[Particle] = []
        for child in node:
            if child.tag == f"{_XS}element":
                particles.append(self._element(child, context))
            elif child.tag in (f"{_XS}sequence", f"{_XS}choice"):
                particles.append(self._group(child, context))
        low, high = _occurs(node)
        kind: Literal["sequence", "choice"] = "choice" if node.tag == f"{_XS}choice" else "sequence"
        return Group(kind, tuple(particles), low, high)

    def _own(self, node: etree._Element, context: str) -> tuple[Group | None, dict[str, Attribute], set[str]]:
        content = next((self._group(c, context) for c in node if c.tag in (f"{_XS}sequence", f"{_XS}choice")), None)
        attributes, prohibited = {}, set()
        for attr in node.iterchildren(f"{_XS}attribute"):
            name = str(attr.get("name"))
            if attr.get("use") == "prohibited":
                prohibited.add(name)
            else:
                attributes[name] = Attribute(name, attr.get("use") == "required", attr.get("fixed"))
        return content, attributes, prohibited

    def _complex(self, node: etree._Element, name: str) -> ComplexType:
        derivation = next((d for c in node if c.tag in (f"{_XS}complexContent", f"{_XS}simpleContent")
                           for d in c if d.tag in (f"{_XS}extension", f"{_XS}restriction")), None)
        if derivation is None:
            content, attributes, _ = self._own(node, name)
            return ComplexType(name, content, tuple(attributes.values()))
        content, attributes, prohibited = self._own(derivation, name)
        base = self.resolve(self._qname(derivation, str(derivation.get("base"))))
        if not isinstance(base, ComplexType):  # restriction of an xinneres/XÖV type: XMeld restates the content
            return ComplexType(name, content, tuple(attributes.values()))
        inherited = {a.name: a for a in base.attributes if a.name not in prohibited}
        merged = tuple({**inherited, **attributes}.values())
        if derivation.tag == f"{_XS}extension":
            parts = tuple(p for p in (base.content, content) if p is not None)
            content = Group("sequence", parts) if parts else None
        return ComplexType(name, content, merged)

    def _simple(self, node: etree._Element, name: str) -> SimpleType | External:
        restriction = next(node.iterchildren(f"{_XS}restriction"), None)
        if restriction is None:
            return External(name)
        enumeration = frozenset(str(e.get("value")) for e in restriction.iterchildren(f"{_XS}enumeration"))
        patterns = tuple(str(p.get("value")) for p in restriction.iterchildren(f"{_XS}pattern"))
        base_ref = restriction.get("base")
        base = self.resolve(self._qname(restriction, base_ref)) if base_ref else External("xs:anySimpleType")
        if isinstance(base, SimpleType):
            enumeration = enumeration or base.enumeration
            patterns = base.patterns + patterns
        return SimpleType(name, enumeration, patterns)


@lru_cache(maxsize=8)
def load_schema(entry: Path, namespace: str) -> Schema:
    """The scanned schema of one XMeld version, once per process; refuses files of another namespace."""
    if not entry.is_file():
        raise SchemaUnavailable(f"XMeld schema {entry} does not exist; HUB_SHARED_DIR must point at the shared folder")
    schema = Schema(entry)
    if schema.target_namespace != namespace:
        raise SchemaUnavailable(f"{entry} declares {schema.target_namespace}, the version table expects {namespace}")
    return schema
