"""Which parts of a valid XMeld message were checked leniently: the elements typed by a module that was stood in for.

The message is walked along XMeld's own content models (schema.py); an element whose declared type belongs to a
stood-in module is named by its path (positions left out) with that module. In a valid message each child name
maps to one declaration of its parent's type (XSD's rule of consistent element declarations), so a flat look-up
per type suffices.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lxml import etree

from connectors.registration.schema import ComplexType, Element, External, Group, Schema, Type
from connectors.secure_xml import local_name


def _declarations(content: Group | None) -> Iterator[Element]:
    for particle in content.particles if content else ():
        if isinstance(particle, Element):
            yield particle
        else:
            yield from _declarations(particle)


def _module(name: str) -> str:
    """'{http://www.osci.de/xinneres/allgemeinername/2}AllgemeinerName' → 'xinneres allgemeinername/2'."""
    namespace = name[1:].partition("}")[0] if name.startswith("{") else name
    return namespace.replace("http://www.osci.de/", "").replace("/", " ", 1)


def lenient_parts(root: etree._Element, schema: Schema, stood_in: Mapping[str, str]) -> dict[str, list[str]]:
    """Per stood-in module, the element paths of `root` typed by it, in document order and each once."""
    found: dict[str, list[str]] = {}
    declaration = schema.message(local_name(root))
    if declaration is None:
        return found

    def walk(node: etree._Element, type_ref: str | Type, path: str) -> None:
        definition = schema.resolve(type_ref)
        if isinstance(definition, External):
            namespace = definition.name[1:].partition("}")[0] if definition.name.startswith("{") else ""
            if namespace in stood_in:
                paths = found.setdefault(_module(definition.name), [])
                if path not in paths:
                    paths.append(path)
            return
        if not isinstance(definition, ComplexType):
            return
        by_name = {d.name: d for d in _declarations(definition.content)}
        for child in node:
            if isinstance(child.tag, str) and (child_decl := by_name.get(local_name(child))) is not None:
                walk(child, child_decl.type, f"{path}/{child_decl.name}" if path else child_decl.name)

    walk(root, declaration.type, "")
    return found
