"""XSD validation shared by the connectors that have official schemas: loading confined to the schema folder,
and libxml2's errors turned into `SchemaViolation`s with line and path but without the instance's values.

Schemas are compiled by the connectors themselves (once per process); this module only guards what compiling may
load and reports what validating finds.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol, cast

from lxml import etree

from connectors.errors import ConnectorError
from connectors.secure_xml import local_name

CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_ERROR_LEVELS = frozenset({"ERROR", "FATAL"})
# libxml2 quotes the offending value ("The value 'Erika' is not accepted ..."); line and path locate it well enough,
# and the detail ends up in the case timeline, so values (possibly personal data) are dropped from it. Patterns of
# the DIN 91379 string types run to kilobytes and say nothing a sender can act on, so they are dropped too.
_QUOTED_VALUE = (
    (re.compile(r"The value '.*'(?= (?:is not|has a length|does not))", re.DOTALL), "The value"),
    (re.compile(r"(?<=: )'.*'(?= is not a valid value)", re.DOTALL), "The value"),
    (re.compile(r"The actual value '.*'(?= does not match)", re.DOTALL), "The actual value"),
    (re.compile(r" by the pattern '.*'(?=\.?$)", re.DOTALL), " by the pattern of its type"),
)


class SchemaViolation(ConnectorError):
    """One XSD error of a message; every further XSD error of the same message is in `related`.

    `line` and `path` locate the error in the message as received, so a sender can find it without the hub's help.
    """

    code = "schema.invalid"
    http_status = 422

    def __init__(self, detail: str, *, line: int, path: str, message_id: str | None = None) -> None:
        super().__init__(detail, field=path, message_id=message_id)
        self.line = line
        self.path = path


class SchemaSetupError(RuntimeError):
    """The schema folder is incomplete or a schema reaches outside it: a deployment fault, not a bad message."""


class _LogEntry(Protocol):
    """What lxml's error log entries offer (lxml-stubs leave _ErrorLog untyped)."""

    line: int
    path: str | None
    message: str
    level_name: str


class FolderOnly(etree.Resolver):
    """Lets compiling load only files below the schema folder, so it can never reach the network.

    `catalogue` maps remote schemaLocations (as an OASIS catalogue lists them) to files below the folder; any other
    reference outside the folder is refused.
    """

    def __init__(self, folder: Path, catalogue: Mapping[str, Path] | None = None) -> None:
        super().__init__()
        self.folder = folder.resolve()
        self.catalogue = dict(catalogue or {})
        self.refused: list[str] = []

    def resolve(self, system_url: str, public_id: str, context: object = None) -> object:
        mapped = self.catalogue.get(system_url or "")
        if mapped is not None:  # its own location becomes the base of the relative references inside it
            return self.resolve_string(mapped.read_bytes(), context, base_url=str(mapped))
        local = (system_url or "").removeprefix("file://")
        if "://" in local or not Path(local).resolve().is_relative_to(self.folder):
            self.refused.append(system_url)
            raise SchemaSetupError(f"schema reference {system_url!r} points outside {self.folder}")
        return None  # a file below the folder: libxml2 loads it itself


def read_catalogue(path: Path) -> dict[str, Path]:
    """The `uri` entries of an OASIS XML catalogue: remote name → local file, each below the catalogue's folder."""
    folder = path.parent.resolve()
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    try:
        root = etree.parse(str(path), parser=parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise SchemaSetupError(f"schema catalogue {path} cannot be read: {exc}") from exc
    mapping: dict[str, Path] = {}
    for entry in root.iter(f"{{{CATALOG_NS}}}uri"):
        name, target = entry.get("name"), entry.get("uri")
        local = (folder / (target or "")).resolve()
        if not name or not target or not local.is_relative_to(folder) or not local.is_file():
            raise SchemaSetupError(f"schema catalogue {path}: entry {name!r} → {target!r} names no file below {folder}")
        mapping[name] = local
    if not mapping:
        raise SchemaSetupError(f"schema catalogue {path} maps no schema")
    return mapping


def without_values(message: str) -> str:
    """A libxml2 validity message with the quoted instance value (and any long type pattern) left out."""
    for pattern, replacement in _QUOTED_VALUE:
        message = pattern.sub(replacement, message)
    return message.strip()


def check(schema: etree.XMLSchema, tree: etree._ElementTree, lock: threading.Lock, standard: str) -> None:
    """Validate `tree`; raise a SchemaViolation carrying every XSD error found (the others in `related`).

    `lock` guards the schema's error log, which is shared state: one lock per compiled schema.
    """
    with lock:  # validating takes well under a millisecond
        if schema.validate(tree):
            return
        entries = [e for e in cast("Iterable[_LogEntry]", schema.error_log) if e.level_name in _ERROR_LEVELS]
    root = tree.getroot()
    if not entries:  # pragma: no cover - libxml2 always logs why a document is invalid
        raise SchemaViolation(f"{local_name(root)} is not valid {standard}",
                              line=getattr(root, "sourceline", None) or 0, path=f"/{local_name(root)}")
    found = [SchemaViolation(f"line {e.line}, {e.path or '/'}: {without_values(e.message)}",
                             line=e.line, path=e.path or "/") for e in entries]
    first = found[0]
    first.related = tuple(found[1:])
    raise first
