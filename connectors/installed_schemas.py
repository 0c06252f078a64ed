"""Validation with official XSDs the operator installs, for standards whose schemas the hub may not distribute.

The operator's folder (HUB_SCHEMA_DIR) holds one subfolder per standard and version, `<folder>/<standard>/<version>/`,
with the official files as published (any layout below it). The schema of a message namespace is the set of files
declaring that namespace; their imports are resolved within the version's folder, remote locations by the file
that `host/path` or, failing that, its unique file name denotes there. Each namespace is compiled once per process;
nothing is fetched from the network.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from lxml import etree

from connectors.errors import SchemaNotInstalled
from connectors.xsd import XS, FolderOnly, SchemaSetupError, compile_document, findings, raise_findings, wrapper

SETTING = "HUB_SCHEMA_DIR"


def version_folder(schema_dir: Path, standard: str, version: str) -> Path:
    return schema_dir / standard / version


def _remote_map(files: list[Path], folder: Path) -> dict[str, Path]:
    """Remote schemaLocations of the files, each mapped to the local file it denotes."""
    by_name: dict[str, list[Path]] = {}
    for path in files:
        by_name.setdefault(path.name, []).append(path)
    mapped: dict[str, Path] = {}
    for path in files:
        root = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
        for ref in root.iter(f"{{{XS}}}import", f"{{{XS}}}include", f"{{{XS}}}redefine"):
            location = ref.get("schemaLocation") or ""
            if "://" not in location or location.startswith("file://"):
                continue
            host_path = folder / location.split("://", 1)[1]
            candidates = by_name.get(location.rsplit("/", 1)[-1], [])
            if host_path.is_file():
                mapped[location] = host_path
            elif len(candidates) == 1:
                mapped[location] = candidates[0]
    return mapped


@lru_cache(maxsize=16)
def _compile(folder: Path, target_namespace: str) -> etree.XMLSchema:
    files = sorted(folder.rglob("*.xsd"))
    declaring: list[Path] = []
    for path in files:
        try:
            root = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
        except etree.XMLSyntaxError as exc:
            raise SchemaSetupError(f"Schemadatei {path} ist kein wohlgeformtes XML: {exc}") from exc
        if root.get("targetNamespace") == target_namespace:
            declaring.append(path)
    if not declaring:
        raise LookupError(target_namespace)
    includes = [str(p.relative_to(folder)) for p in declaring]
    resolver = FolderOnly([folder], _remote_map(files, folder))
    return compile_document(wrapper(target_namespace, includes), folder / "_hub-wrapper.xsd", resolver,
                            f"{folder} ({target_namespace})")


_lock = threading.Lock()


def installed_schema(schema_dir: Path | None, standard: str, version: str, target_namespace: str) -> etree.XMLSchema:
    """The compiled schema of `target_namespace` from the operator's folder; SchemaNotInstalled, naming the setting
    and the folder expected, when there is none."""
    label = f"{standard} {version}"
    expected = f"{standard}/{version}/"
    if schema_dir is None:
        raise SchemaNotInstalled(f"{label} erkannt, Schema nicht installiert: {SETTING} ist nicht gesetzt; "
                                 f"{SETTING} auf einen Ordner setzen, der die offiziellen XSDs unter {expected} "
                                 "enthält, dann die Nachricht erneut einspielen", field=target_namespace)
    folder = version_folder(schema_dir, standard, version).resolve()
    if not folder.is_dir():
        raise SchemaNotInstalled(f"{label} erkannt, Schema nicht installiert: in {SETTING} ({schema_dir}) fehlt der "
                                 f"Ordner {expected} mit den offiziellen XSDs", field=target_namespace)
    try:
        with _lock:
            return _compile(folder, target_namespace)
    except LookupError:
        raise SchemaNotInstalled(f"{label} erkannt, Schema nicht installiert: keine XSD in {folder} ({SETTING}) "
                                 f"deklariert den Namensraum {target_namespace}", field=target_namespace) from None


def validate_installed(tree: etree._ElementTree, schema_dir: Path | None, standard: str, version: str,
                       message_id: str | None = None) -> None:
    """Validate `tree` with the installed schema of its root namespace; SchemaViolation carries every finding."""
    schema = installed_schema(schema_dir, standard, version, etree.QName(tree.getroot()).namespace or "")
    raise_findings(findings(schema, tree), message_id)
