"""XSD validation of XPersonenstand messages against the official portal schemas in the shared folder.

The schemas import xinneres and XÖV modules by remote URL; the folder's OASIS catalogue maps each of them to its local
copy, and a resolver built from it (rather than XML_CATALOG_FILES, which libxml2 reads only once, before the first
parse) lets compiling load nothing else. Each version's schema is compiled once per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from connectors.civil_status.versions import VersionSpec
from connectors.xsd import COMPILE_LOCK, FolderOnly, SchemaSetupError, check, read_catalogue


@dataclass(frozen=True)
class CompiledSchema:
    """One version's compiled schema and the lock that guards its (shared) error log."""

    schema: etree.XMLSchema
    lock: threading.Lock


def _compile(entry: Path, catalogue: Path) -> CompiledSchema:
    folder = catalogue.parent
    if not entry.is_file():
        raise SchemaSetupError(f"XPersonenstand schema {entry} does not exist; HUB_SHARED_DIR must point at the "
                               "shared folder")
    guard = FolderOnly(folder, read_catalogue(catalogue))
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(guard)
    try:
        with COMPILE_LOCK:
            document = etree.parse(str(entry), parser=parser)
            return CompiledSchema(etree.XMLSchema(document), threading.Lock())
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        refused = f" (refused: {', '.join(guard.refused)})" if guard.refused else ""
        raise SchemaSetupError(f"the XPersonenstand schemas in {folder} do not compile: {exc}{refused}") from exc


@lru_cache(maxsize=8)
def _cached(entry: Path, catalogue: Path) -> CompiledSchema:
    return _compile(entry, catalogue)


_compile_lock = threading.Lock()


def compiled(spec: VersionSpec, shared_dir: Path) -> CompiledSchema:
    """The version's schema, compiled on first use; concurrent first calls compile it only once."""
    with _compile_lock:
        return _cached(shared_dir.joinpath(*spec.schema).resolve(), shared_dir.joinpath(*spec.catalogue).resolve())


def validate(tree: etree._ElementTree, spec: VersionSpec, shared_dir: Path) -> None:
    """Validate against the version's schema; raise SchemaViolation carrying every XSD error, without values."""
    schema = compiled(spec, shared_dir)
    check(schema.schema, tree, schema.lock)
