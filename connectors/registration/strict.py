"""Strict XSD validation of XMeld with the official xinneres modules, offline, compiled once per process.

XMeld imports its xinneres and XÖV modules by remote URL. Each import is answered from the version's module folders
(by file name); a module that is not available there is replaced by a stand-in that declares the types XMeld uses
from it and accepts any content for them. Only content typed by such a module is therefore checked leniently; every
other part, xinneres header, dates and addresses included, is validated as the official schemas define it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from connectors.errors import SchemaViolation
from connectors.registration.errors import SchemaUnavailable
from connectors.registration.versions import VersionSpec
from connectors.xsd import XS, FolderOnly, compile_file, findings

_REFERENCING = ("type", "base", "itemType")


@dataclass(frozen=True)
class Compiled:
    """A compiled XMeld version and the modules stood in for (namespace → the URL XMeld imports it from)."""

    schema: etree.XMLSchema
    stand_ins: Mapping[str, str]


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_comments=True)
    try:
        return etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise SchemaUnavailable(f"XMeld-Schema {path} ist nicht lesbar: {exc}") from exc


def _stand_in(namespace: str, names: Mapping[str, bool]) -> bytes:
    """A module declaring `names` as types that accept anything: a string where a simple type is needed (name →
    True), otherwise any content and attributes."""
    root = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS}, targetNamespace=namespace)
    for name, simple in sorted(names.items()):
        if simple:
            simple_type = etree.SubElement(root, f"{{{XS}}}simpleType", name=name)
            etree.SubElement(simple_type, f"{{{XS}}}restriction", base="xs:string")
            continue
        complex_type = etree.SubElement(root, f"{{{XS}}}complexType", name=name, mixed="true")
        sequence = etree.SubElement(complex_type, f"{{{XS}}}sequence")
        etree.SubElement(sequence, f"{{{XS}}}any", processContents="skip", minOccurs="0", maxOccurs="unbounded",
                         namespace="##any")
        etree.SubElement(complex_type, f"{{{XS}}}anyAttribute", processContents="skip")
    return etree.tostring(root)


def _simple_use(node: etree._Element, attribute: str) -> bool:
    """Whether the reference `attribute` of `node` needs a simple type (an attribute's type, a list item, the base
    of a simple type or of simple content)."""
    parent = node.getparent()
    return (node.tag == f"{{{XS}}}attribute" or attribute == "itemType"
            or (parent is not None and parent.tag in (f"{{{XS}}}simpleType", f"{{{XS}}}simpleContent")))


def _references(roots: Iterable[etree._Element], namespace: str) -> dict[str, bool]:
    """The types in `namespace` that the schema documents refer to, each with whether a simple type is needed."""
    found: dict[str, bool] = {}
    for root in roots:
        for node in root.iter(etree.Element):
            for attribute in _REFERENCING:
                prefix, _, local = (node.get(attribute) or "").rpartition(":")
                if local and node.nsmap.get(prefix or None) == namespace:
                    found[local] = found.get(local, False) or _simple_use(node, attribute)
    return found


def _locations(files: list[Path], modules: Mapping[str, Path]) -> tuple[dict[str, Path | bytes], dict[str, str]]:
    """Every import of `files` answered: by a module file of that name, or by a stand-in for its namespace."""
    mapped: dict[str, Path | bytes] = {}
    missing: dict[str, str] = {}  # namespace → the location XMeld imports it from
    standing_in: dict[str, str] = {}  # location (as the resolver sees it) → namespace of its stand-in
    roots = {path: _parse(path) for path in files}
    for path, root in roots.items():
        for ref in root.iter(f"{{{XS}}}import", f"{{{XS}}}include"):
            location = ref.get("schemaLocation") or ""
            key = location if "://" in location else str((path.parent / location).resolve())
            local = modules.get(location.rsplit("/", 1)[-1])
            if local is not None:
                mapped[key] = local
            elif "://" in location or not Path(key).is_file():
                namespace = ref.get("namespace")
                if ref.tag != f"{{{XS}}}import" or not namespace:
                    raise SchemaUnavailable(f"{path}: {location} ist weder verfügbar noch ein ersetzbarer Import")
                missing[namespace] = location
                standing_in[key] = namespace
    stand_ins = {ns: _stand_in(ns, _references(roots.values(), ns)) for ns in missing}
    mapped.update({key: stand_ins[namespace] for key, namespace in standing_in.items()})
    return mapped, missing


@lru_cache(maxsize=4)
def _compile(entry: Path, module_folders: tuple[Path, ...]) -> Compiled:
    folder = entry.parent
    modules = {p.name: p for f in module_folders for p in sorted(f.glob("*.xsd"))}
    files = sorted(folder.glob("*.xsd")) + sorted(modules.values())
    mapped, missing = _locations(files, modules)
    schema = compile_file(entry, FolderOnly([folder, *module_folders], mapped), f"XMeld ({entry.name})")
    return Compiled(schema, missing)


_lock = threading.Lock()


def compiled(spec: VersionSpec, shared_dir: Path) -> Compiled:
    """The strict schema of an XMeld version, compiled once per process from the shared folder."""
    entry = shared_dir.joinpath(*spec.schema).resolve()
    folders = tuple(shared_dir.joinpath(*f).resolve() for f in spec.modules)
    for path in (entry, *folders):
        if not path.exists():
            raise SchemaUnavailable(f"{path} fehlt; HUB_SHARED_DIR muss auf den gemeinsamen Ordner zeigen")
    with _lock:
        return _compile(entry, folders)


def _relative(path: str) -> str:
    """A libxml2 path below the root in the hub's form: local names, positions kept ('/x:a/x:b[2]' → 'b[2]')."""
    parts = [p.rpartition(":")[2] for p in path.strip("/").split("/")]
    return "/".join(parts[1:])


def strict_findings(tree: etree._ElementTree, schema: etree.XMLSchema) -> list[SchemaViolation]:
    """Every XSD finding of `tree`, its field a path below the root as the rest of the hub names fields."""
    found = []
    for finding in findings(schema, tree):
        field = _relative(finding.path)
        detail = finding.detail.replace(f", {finding.path}:", f", {field or '(Wurzel)'}:", 1)
        found.append(SchemaViolation(detail, field=field, line=finding.line))
    return found
