"""Look-ups by local element names, whatever the namespaces, with errors that name the path concerned.

For standards whose parts come from several namespaces (XBau's qualified and unqualified modules, XGewerbeordnung's
Baukasten): validation before has fixed where each element may occur, so its local name identifies it.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from connectors.errors import InvalidField, MissingField
from connectors.secure_xml import local_name


def child(element: etree._Element | None, path: str) -> etree._Element | None:
    """The first element reached by local names `path` ('a/b/c'), whatever their namespaces."""
    for name in path.split("/"):
        if element is None:
            return None
        element = next((c for c in element if isinstance(c.tag, str) and local_name(c) == name), None)
    return element


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Every child of `element` with local name `name`."""
    return [c for c in element if isinstance(c.tag, str) and local_name(c) == name]


def text(element: etree._Element | None, path: str) -> str | None:
    """The stripped text at `path`, or None when it is absent or blank."""
    found = child(element, path)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def required(element: etree._Element | None, path: str, where: str) -> str:
    """The text at `path`; MissingField naming `where`/`path` when it is absent or blank."""
    value = text(element, path)
    if value is None:
        field = f"{where}/{path}" if where else path
        raise MissingField(f"{field} fehlt oder ist leer", field=field)
    return value


def timestamp(value: str, field: str) -> datetime:
    """An ISO 8601 time; InvalidField naming `field` otherwise."""
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidField(f"{field} ist kein Zeitpunkt nach ISO 8601", field=field) from exc
