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
from connectors.xsd import FolderOnly, SchemaSetupError, compile_document, findings, raise_findings, wrapper

SCHEMA_FOLDER = ("xoev", "xbau-2.6")

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


def schema_dir(shared_dir: Path) -> Path:
    """The folder of the official XSDs below the shared folder."""
    return shared_dir.joinpath(*SCHEMA_FOLDER)


@lru_cache(maxsize=2 * len(MESSAGE_SCHEMAS))
def compile_schema(target_namespace: str, folder: Path) -> etree.XMLSchema:
    """The compiled schema of one namespace; cached, so each namespace is compiled once per process."""
    files = MESSAGE_SCHEMAS[target_namespace]
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise SchemaSetupError(f"XBau-Schemadateien fehlen in {folder}: {', '.join(missing)}")
    # The wrapper's own location never exists; it only anchors the relative schemaLocations in the folder.
    return compile_document(wrapper(target_namespace, files), folder / "_hub-wrapper.xsd", FolderOnly([folder]),
                            f"XBau ({target_namespace})")


_compile_lock = threading.Lock()


def schema_for(target_namespace: str, shared_dir: Path) -> etree.XMLSchema:
    """The compiled schema for a root namespace; concurrent first calls compile it only once."""
    if target_namespace not in MESSAGE_SCHEMAS:
        raise UnsupportedVersion(
            f"für den Namensraum {target_namespace} gibt es hier kein Schema; der Hub liest XBau 2.6 und "
            f"XBau-Kernmodul 1.3.0 ({', '.join(MESSAGE_SCHEMAS)})", field=target_namespace)
    with _compile_lock:
        return compile_schema(target_namespace, schema_dir(shared_dir).resolve())


def validate(tree: etree._ElementTree, shared_dir: Path) -> None:
    """Validate against the schema of the root's namespace; raise SchemaViolation carrying every XSD error."""
    raise_findings(findings(schema_for(namespace(tree.getroot()), shared_dir), tree))
