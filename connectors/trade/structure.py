"""Structural check of a message against a content-model table (data, one file per standard family).

For standards whose XSDs may not be distributed, the table states what the hub knows of each element's content:
its children in order, how often each occurs, and whether the official schema allows further elements (`open`).
`check` reports every listed element that is missing, out of order, too frequent, undeclared in closed content or
in the wrong namespace, with its path; `required_children` says what every element must keep.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from lxml import etree

from connectors.errors import ConnectorError, MissingField, SchemaViolation
from connectors.secure_xml import local_name, namespace

_PARTICLE = re.compile(r"^(?P<name>[A-Za-z][\w.]*)(?P<occurs>[?*+]?)(?:\s*:\s*(?P<type>[\w.]+))?$")
_OCCURS = {"": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}


class TableError(RuntimeError):
    """A content-model table is unreadable or inconsistent: a fault of the hub's data, not of a message."""


@dataclass(frozen=True)
class Particle:
    """One child of a content model: its name, occurrences and type (None: text content)."""

    name: str
    min: int
    max: int | None
    type: str | None


@dataclass(frozen=True)
class ContentModel:
    children: tuple[Particle, ...]
    choice: bool = False
    open: bool = False
    qualified: bool = True

    @cached_property
    def _by_name(self) -> dict[str, tuple[int, Particle]]:
        found: dict[str, tuple[int, Particle]] = {}
        for index, particle in enumerate(self.children):
            found.setdefault(particle.name, (index, particle))
        return found

    def particle(self, name: str) -> tuple[int, Particle] | None:
        return self._by_name.get(name)


@dataclass(frozen=True)
class Version:
    """One version of the table: the type of its message root."""

    root: str


@dataclass(frozen=True, eq=False)
class Table:
    """Content models by type name, and the versions they describe (loaded once: compared and hashed by identity)."""

    name: str
    types: Mapping[str, ContentModel]
    versions: Mapping[str, Version]

    def model(self, type_name: str) -> ContentModel:
        return self.types[type_name]


def _particle(text: str, where: str) -> Particle:
    match = _PARTICLE.match(text.strip())
    if match is None:
        raise TableError(f"{where}: '{text}' is no particle (name[?*+][: type])")
    low, high = _OCCURS[match["occurs"]]
    return Particle(match["name"], low, high, match["type"])


@lru_cache(maxsize=4)
def load_table(path: Path) -> Table:
    """Read a content-model table once per process; every type named must be defined."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TableError(f"content-model table {path} cannot be read: {exc}") from exc
    types = {
        name: ContentModel(
            children=tuple(_particle(p, f"{path.name}: type.{name}") for p in spec.get("children", [])),
            choice=bool(spec.get("choice", False)), open=bool(spec.get("open", False)),
            qualified=bool(spec.get("qualified", True)))
        for name, spec in raw.get("type", {}).items()
    }
    versions = {v: Version(root=str(spec["root"])) for v, spec in raw.get("version", {}).items()}
    for name, model in types.items():
        for particle in model.children:
            if particle.type is not None and particle.type not in types:
                raise TableError(f"{path.name}: type.{name}: {particle.name} names the undefined type {particle.type}")
    for version, spec in versions.items():
        if spec.root not in types:
            raise TableError(f"{path.name}: version {version}: root type {spec.root} is not defined")
    return Table(path.stem, types, versions)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _indexed(kids: list[etree._Element], path: str) -> list[str]:
    """Each child's path, with a position only where several siblings share its name."""
    totals: dict[str, int] = {}
    for kid in kids:
        totals[local_name(kid)] = totals.get(local_name(kid), 0) + 1
    seen: dict[str, int] = {}
    paths = []
    for kid in kids:
        name = local_name(kid)
        seen[name] = seen.get(name, 0) + 1
        paths.append(_join(path, f"{name}[{seen[name]}]" if totals[name] > 1 else name))
    return paths


def _line(node: etree._Element) -> int | None:
    line: object = node.sourceline
    return line if isinstance(line, int) else None


class _Check:
    def __init__(self, table: Table, namespace: str, standard: str) -> None:
        self.table = table
        self.namespace = namespace
        self.standard = standard
        self.found: list[ConnectorError] = []

    def element(self, node: etree._Element, type_name: str | None, path: str, required: bool = True) -> None:
        kids = [k for k in node if isinstance(k.tag, str)]
        paths = _indexed(kids, path)
        if type_name is None:
            for kid, where in zip(kids, paths, strict=True):
                self.found.append(SchemaViolation(f"{where} ist nicht erlaubt: {path} enthält nur Text "
                                                  f"({self.standard})", field=where, line=_line(kid)))
            if required and not kids and not (node.text or "").strip():
                self.found.append(MissingField(f"{path} ist leer: Pflichtelement in {self.standard}", field=path))
            return
        model = self.table.model(type_name)
        counts = [0] * len(model.children)
        furthest = -1
        for kid, where in zip(kids, paths, strict=True):
            found = model.particle(local_name(kid))
            if found is None:
                if not model.open:
                    self.found.append(SchemaViolation(f"{where} ist in {path or 'der Nachricht'} nicht erlaubt "
                                                      f"({self.standard})", field=where, line=_line(kid)))
                continue
            index, particle = found
            expected = self.namespace if model.qualified else ""
            if namespace(kid) != expected:
                space = f"im Namensraum {expected}" if expected else "ohne Namensraum"
                self.found.append(SchemaViolation(f"{where} muss {space} stehen ({self.standard})", field=where,
                                                  line=_line(kid)))
            counts[index] += 1
            if particle.max is not None and counts[index] > particle.max:
                self.found.append(SchemaViolation(f"{where} darf in {path} höchstens {particle.max}-mal vorkommen "
                                                  f"({self.standard})", field=where, line=_line(kid)))
            elif not model.choice and index < furthest:
                after = model.children[furthest].name
                self.found.append(SchemaViolation(f"{where} steht an falscher Stelle: es gehört vor {after} "
                                                  f"({self.standard})", field=where, line=_line(kid)))
            furthest = max(furthest, index)
            self.element(kid, particle.type, where, particle.min > 0)
        self.missing(model, counts, path)

    def missing(self, model: ContentModel, counts: list[int], path: str) -> None:
        if model.choice:
            if sum(counts) != 1:
                names = " | ".join(p.name for p in model.children)
                self.found.append(MissingField(f"{path} muss genau eines von ({names}) enthalten ({self.standard})",
                                               field=path))
            return
        for particle, count in zip(model.children, counts, strict=True):
            if count < particle.min:
                where = _join(path, particle.name)
                self.found.append(MissingField(f"{where} fehlt: Pflichtelement in {self.standard}", field=where))


def check(root: etree._Element, table: Table, version: str, label: str) -> list[ConnectorError]:
    """Every structural finding of the message `root` against the table's `version`, in document order; `label`
    names the standard and version in the findings."""
    spec = table.versions[version]
    run = _Check(table, etree.QName(root).namespace or "", label)
    run.element(root, spec.root, "")
    return run.found


@dataclass(frozen=True)
class Required:
    """A child every element of some path must keep; `through` it is kept by way of its own required parts (a
    structure, or a choice of one), otherwise whole."""

    name: str
    through: bool


@lru_cache(maxsize=16)
def required_children(table: Table, version: str) -> Mapping[str, tuple[Required, ...]]:
    """Per element path below the root ('' for the root itself), the children every such element must keep."""
    found: dict[str, tuple[Required, ...]] = {}

    def structured(type_name: str | None) -> bool:
        model = table.model(type_name) if type_name else None
        return model is not None and (model.choice or any(p.min > 0 for p in model.children))

    def walk(type_name: str, path: str, seen: frozenset[str]) -> None:
        model = table.model(type_name)
        found[path] = () if model.choice else tuple(Required(p.name, structured(p.type))
                                                    for p in model.children if p.min > 0)
        for particle in model.children:
            if particle.type is not None and particle.type not in seen:
                walk(particle.type, _join(path, particle.name), seen | {particle.type})

    walk(table.versions[version].root, "", frozenset())
    return found
