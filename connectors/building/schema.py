"""XSD validation of XBau messages against the official XBau 2.6 / Kernmodul 1.3.0 schemas in the shared folder.

Each namespace has one schema, compiled lazily once per process from the official files (never copied): an in-memory
wrapper includes every message XSD of that namespace, so any XBau message validates against the file declaring it.
Loading is confined to the schema folder; nothing is fetched from the network.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol, cast

from lxml import etree

from connectors.building.errors import SchemaViolation
from connectors.building.model import KERNMODUL_NAMESPACE, XBAU_NAMESPACE
from connectors.errors import UnsupportedVersion
from connectors.secure_xml import local_name, namespace
from hub.settings import get_settings

SCHEMA_FOLDER = ("xoev", "xbau-2.6")
_XS = "http://www.w3.org/2001/XMLSchema"

# The official files declaring the messages of each namespace (baugenehmigung.* in
# xbau-nachrichten-baugenehmigung.xsd, prozessnachrichten.* of the Kernmodul in xbau-kernmodul-prozessnachrichten.xsd).
MESSAGE_SCHEMAS: Mapping[str, tuple[str, ...]] = {
    XBAU_NAMESPACE: (
        "xbau-nachrichten-baugenehmigung.xsd",
        "xbau-nachrichten-abgeschlossenheitsbescheinigung.xsd",
        "xbau-nachrichten-abweichung.xsd",
        "xbau-nachrichten-akteneinsicht.xsd",
        "xbau-nachrichten-angrenzer.xsd",
        "xbau-nachrichten-anzeige.xsd",
        "xbau-nachrichten-bauberatung.xsd",
        "xbau-nachrichten-baulasten.xsd",
        "xbau-nachrichten-baulastenverzeichnis.xsd",
        "xbau-nachrichten-baulastloeschung.xsd",
        "xbau-nachrichten-bauzustand.xsd",
        "xbau-nachrichten-beteiligung.xsd",
        "xbau-nachrichten-genehmigungsfreistellung.xsd",
        "xbau-nachrichten-grundstuecksteilung.xsd",
        "xbau-nachrichten-informationsempfaenger.xsd",
        "xbau-nachrichten-kammernverzeichnis.xsd",
        "xbau-nachrichten-pruefingenieure.xsd",
        "xbau-nachrichten-statistik.xsd",
        "xbau-nachrichten-teilbaugenehmigung.xsd",
        "xbau-nachrichten-ueberwachungspflichtigeAnlagen.xsd",
        "xbau-nachrichten-verlaengerung.xsd",
        "xbau-nachrichten-vorbescheid.xsd",
        "xbau-bauordnungsrechtlicheProzessnachrichten.xsd",
    ),
    KERNMODUL_NAMESPACE: (
        "xbau-kernmodul-prozessnachrichten.xsd",
        "xbau-kernmodul-universellerAntrag.xsd",
    ),
}


_ERROR_LEVELS = frozenset({"ERROR", "FATAL"})
# libxml2 quotes the offending value ("The value 'Erika' is not accepted ..."); line and path locate it well enough,
# and the detail ends up in the case timeline, so values (possibly personal data) are dropped from it.
_QUOTED_VALUE = (
    (re.compile(r"The value '.*'(?= (?:is not|has a length|does not))", re.DOTALL), "The value"),
    (re.compile(r"(?<=: )'.*'(?= is not a valid value)", re.DOTALL), "The value"),
)


class _LogEntry(Protocol):
    """What lxml's error log entries offer (lxml-stubs leave _ErrorLog untyped)."""

    line: int
    path: str | None
    message: str
    level_name: str


class SchemaSetupError(RuntimeError):
    """The schema folder is incomplete or a schema reaches outside it: a deployment fault, not a bad message."""


def schema_dir() -> Path:
    """The folder of the official XSDs, below the configured shared directory."""
    return get_settings().shared_dir.joinpath(*SCHEMA_FOLDER)


class FolderOnly(etree.Resolver):
    """Refuses every include or import outside the schema folder, so compiling can never reach the network."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder.resolve()
        self.refused: list[str] = []

    def resolve(self, system_url: str, public_id: str, context: object = None) -> None:
        local = (system_url or "").removeprefix("file://")
        if "://" in local or not Path(local).resolve().is_relative_to(self.folder):
            self.refused.append(system_url)
            raise SchemaSetupError(f"schema reference {system_url!r} points outside {self.folder}")
        return None  # a file below the folder: libxml2 loads it itself


def _wrapper(target_namespace: str, files: tuple[str, ...]) -> bytes:
    root = etree.Element(f"{{{_XS}}}schema", nsmap={"xs": _XS}, targetNamespace=target_namespace)
    for name in files:
        etree.SubElement(root, f"{{{_XS}}}include", schemaLocation=name)
    return etree.tostring(root)


@lru_cache(maxsize=len(MESSAGE_SCHEMAS))
def compile_schema(target_namespace: str) -> etree.XMLSchema:
    """The compiled schema of one namespace; cached, so each namespace is compiled once per process."""
    files = MESSAGE_SCHEMAS[target_namespace]
    folder = schema_dir()
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise SchemaSetupError(f"XBau schema files missing in {folder}: {', '.join(missing)}")
    guard = FolderOnly(folder)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(guard)
    # The wrapper's own location never exists; it only anchors the relative schemaLocations in the folder.
    wrapper = etree.fromstring(_wrapper(target_namespace, files), parser=parser,
                               base_url=str(folder / "_hub-wrapper.xsd"))
    try:
        return etree.XMLSchema(wrapper)
    except etree.XMLSchemaParseError as exc:
        refused = f" (refused: {', '.join(guard.refused)})" if guard.refused else ""
        raise SchemaSetupError(f"the XBau schemas in {folder} do not compile: {exc}{refused}") from exc


_compile_lock = threading.Lock()
_validate_lock = threading.Lock()


def schema_for(target_namespace: str) -> etree.XMLSchema:
    """The compiled schema for a root namespace; concurrent first calls compile it only once."""
    if target_namespace not in MESSAGE_SCHEMAS:
        raise UnsupportedVersion(
            f"namespace {target_namespace} has no schema here; the hub reads XBau 2.6 and XBau-Kernmodul 1.3.0 "
            f"({', '.join(MESSAGE_SCHEMAS)})", field=target_namespace)
    with _compile_lock:
        return compile_schema(target_namespace)


def without_values(message: str) -> str:
    """A libxml2 validity message with the quoted instance value left out."""
    for pattern, replacement in _QUOTED_VALUE:
        message = pattern.sub(replacement, message)
    return message.strip()


def validate(tree: etree._ElementTree) -> None:
    """Validate against the schema of the root's namespace; raise SchemaViolation carrying every XSD error."""
    root = tree.getroot()
    schema = schema_for(namespace(root))
    with _validate_lock:  # the schema's error_log is shared state; validating takes well under a millisecond
        if schema.validate(tree):
            return
        entries = [e for e in cast("Iterable[_LogEntry]", schema.error_log) if e.level_name in _ERROR_LEVELS]
    if not entries:  # pragma: no cover - libxml2 always logs why a document is invalid
        raise SchemaViolation(f"{local_name(root)} is not valid XBau", line=getattr(root, "sourceline", None) or 0,
                              path=f"/{local_name(root)}")
    found = [SchemaViolation(f"line {e.line}, {e.path or '/'}: {without_values(e.message)}",
                             line=e.line, path=e.path or "/") for e in entries]
    first = found[0]
    first.related = tuple(found[1:])
    raise first
