"""XSD validation of XBau messages against the official XBau 2.6 / Kernmodul 1.3.0 schemas in the shared folder.

Each namespace has one schema, compiled lazily once per process from the official files (never copied): an in-memory
wrapper includes every message XSD of that namespace, so any XBau message validates against the file declaring it.
Loading is confined to the schema folder; nothing is fetched from the network.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from lxml import etree

from connectors.building.model import KERNMODUL_NAMESPACE, XBAU_NAMESPACE
from connectors.errors import UnsupportedVersion
from connectors.secure_xml import namespace
from connectors.xsd import FolderOnly, SchemaSetupError, check, without_values
from hub.settings import get_settings

__all__ = ["FolderOnly", "SchemaSetupError", "schema_dir", "schema_for", "validate", "without_values"]

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


def schema_dir() -> Path:
    """The folder of the official XSDs, below the configured shared directory."""
    return get_settings().shared_dir.joinpath(*SCHEMA_FOLDER)


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


def validate(tree: etree._ElementTree) -> None:
    """Validate against the schema of the root's namespace; raise SchemaViolation carrying every XSD error."""
    check(schema_for(namespace(tree.getroot())), tree, _validate_lock, "XBau")
