"""XSD compilation and validation shared by every connector: offline, confined to known folders, German findings.

Schemas are compiled by the connectors (once per process) from files the hub or the operator provides, never fetched:
the resolver loads files below the allowed folders, answers remote locations from a map (an OASIS catalogue's uri
entries, or the caller's own: to a local file or to generated schema text) and refuses everything else. Findings
carry line and element path; instance values are left out of their text, because details end up in case timelines
and values may be personal data.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol, cast

from lxml import etree

from connectors.errors import SchemaViolation as SchemaViolation  # re-exported: the finding every connector raises

XS = "http://www.w3.org/2001/XMLSchema"
CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_ERROR_LEVELS = frozenset({"ERROR", "FATAL"})
# libxml2's schema compiler is not safe against another compile in another thread (imports then fail to resolve at
# random): every schema compile in the process holds this lock, and workers compile all schemas before they read.
COMPILE_LOCK = threading.RLock()


class SchemaSetupError(RuntimeError):
    """Schema files are missing, do not compile or reach outside their folder: a deployment fault, not a bad message.

    Deliberately not a ConnectorError: the message is not to blame and must not be parked as invalid.
    """


class _LogEntry(Protocol):
    """What lxml's error log entries offer (lxml-stubs leave _ErrorLog untyped)."""

    line: int
    path: str | None
    message: str
    level_name: str
    filename: str | None


class FolderOnly(etree.Resolver):
    """Lets compiling load only files below `folders`, so it can never reach the network.

    `remote` maps schemaLocations (remote names, or local paths that do not exist) to a file below the folders, or
    to schema text (bytes) standing in for it; any other reference outside the folders is refused.
    """

    def __init__(self, folders: Path | Iterable[Path], remote: Mapping[str, Path | bytes] | None = None) -> None:
        super().__init__()
        self.folders = (folders.resolve(),) if isinstance(folders, Path) else tuple(f.resolve() for f in folders)
        self.remote = dict(remote or {})
        self.refused: list[str] = []

    def resolve(self, system_url: str, public_id: str, context: object = None) -> object:
        url = system_url or ""
        mapped = self.remote.get(url)
        if isinstance(mapped, bytes):
            return self.resolve_string(mapped, context, base_url=url)
        if mapped is not None:  # its own location becomes the base of the relative references inside it
            return self.resolve_string(mapped.read_bytes(), context, base_url=str(mapped))
        local = url.removeprefix("file://")
        if "://" in local or not any(Path(local).resolve().is_relative_to(f) for f in self.folders):
            self.refused.append(url)
            raise SchemaSetupError(f"Schemaverweis {url!r} zeigt außerhalb von {', '.join(map(str, self.folders))}")
        return None  # a file below an allowed folder: libxml2 loads it itself


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


def wrapper(target_namespace: str, includes: Iterable[str] = (), imports: Mapping[str, str] | None = None) -> bytes:
    """An in-memory schema that includes `includes` (same namespace) and imports `imports` (namespace → file)."""
    root = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS}, targetNamespace=target_namespace)
    for namespace, location in (imports or {}).items():
        etree.SubElement(root, f"{{{XS}}}import", namespace=namespace, schemaLocation=location)
    for name in includes:
        etree.SubElement(root, f"{{{XS}}}include", schemaLocation=name)
    return etree.tostring(root)


def compile_document(document: bytes, base: Path, resolver: FolderOnly, what: str) -> etree.XMLSchema:
    """Compile the schema text `document`, whose relative locations are resolved against the file `base`."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(resolver)
    try:
        with COMPILE_LOCK:
            root = etree.fromstring(document, parser=parser, base_url=str(base))
            return etree.XMLSchema(root)
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        refused = f" (abgewiesen: {', '.join(resolver.refused)})" if resolver.refused else ""
        first = next(iter(cast(Iterable[_LogEntry], exc.error_log)), None)
        where = f" in {first.filename}, Zeile {first.line}" if first is not None and first.filename else ""
        raise SchemaSetupError(f"die Schemata für {what} lassen sich nicht übersetzen{where}: {exc}{refused}") from exc


def compile_file(entry: Path, resolver: FolderOnly, what: str) -> etree.XMLSchema:
    """Compile the schema file `entry` with `resolver`."""
    if not entry.is_file():
        raise SchemaSetupError(f"Schemadatei {entry} für {what} fehlt")
    return compile_document(entry.read_bytes(), entry, resolver, what)


# libxml2 quotes the offending value; line and path locate it well enough, so values are dropped from details.
# Patterns of the DIN 91379 string types run to kilobytes and say nothing a sender can act on, so they go too.
_QUOTED_VALUE = (
    (re.compile(r"The value '.*'(?= (?:is not|has a length|does not))", re.DOTALL), "The value"),
    (re.compile(r"(?<=: )'.*'(?= is not a valid value)", re.DOTALL), "The value"),
    (re.compile(r"The actual value '.*'(?= does not match)", re.DOTALL), "The actual value"),
    (re.compile(r" by the pattern '.*'(?=\.?$)", re.DOTALL), " by the pattern of its type"),
)
_NAMESPACE = re.compile(r"\{[^}]*\}")
# libxml2's validity messages in German; the first match wins, anything else keeps libxml2's text.
_GERMAN: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.DOTALL), g) for p, g in (
    (r"^Element '(?P<e>[^']+)': This element is not expected\. Expected is (?:one of )?\( (?P<x>.*) \)\.$",
     "Element '{e}' ist hier nicht erlaubt oder steht an falscher Stelle; erwartet: {x}"),
    (r"^Element '(?P<e>[^']+)': This element is not expected\.$",
     "Element '{e}' ist hier nicht erlaubt oder steht an falscher Stelle"),
    (r"^Element '(?P<e>[^']+)': Missing child element\(s\)\. Expected is (?:one of )?\( (?P<x>.*) \)\.$",
     "In '{e}' fehlt ein Pflichtelement; erwartet: {x}"),
    (r"^Element '(?P<e>[^']+)': \[facet 'maxLength'\] The value has a length of '(?P<n>\d+)'; this exceeds the "
     r"allowed maximum length of '(?P<m>\d+)'\.$",
     "Wert von '{e}' ist zu lang: {n} Zeichen, höchstens {m} erlaubt"),
    (r"^Element '(?P<e>[^']+)': \[facet 'minLength'\] The value has a length of '(?P<n>\d+)'; this underruns "
     r"the allowed minimum length of '(?P<m>\d+)'\.$",
     "Wert von '{e}' ist zu kurz: {n} Zeichen, mindestens {m} verlangt"),
    (r"^Element '(?P<e>[^']+)': \[facet 'pattern'\] The value is not accepted by the pattern of its type\.?$",
     "Wert von '{e}' entspricht nicht dem Muster seines Typs"),
    (r"^Element '(?P<e>[^']+)': \[facet 'enumeration'\] The value is not an element of the set \{(?P<s>.*)\}\.$",
     "Wert von '{e}' ist keiner der erlaubten Werte {{{s}}}"),
    (r"^Element '(?P<e>[^']+)', attribute '(?P<a>[^']+)': The value is not a valid value of the "
     r"(?:local )?(?:atomic|list|union) type '(?P<t>[^']+)'\.$",
     "Attribut '{a}' von '{e}' hat keinen gültigen Wert des Typs '{t}'"),
    (r"^Element '(?P<e>[^']+)': The value is not a valid value of the "
     r"(?:local )?(?:atomic|list|union) type '(?P<t>[^']+)'\.$",
     "Wert von '{e}' ist kein gültiger Wert des Typs '{t}'"),
    (r"^Element '(?P<e>[^']+)': The attribute '(?P<a>[^']+)' is required but missing\.$",
     "Attribut '{a}' von '{e}' fehlt"),
    (r"^Element '(?P<e>[^']+)', attribute '(?P<a>[^']+)': The attribute '[^']+' is not allowed\.$",
     "Attribut '{a}' ist an '{e}' nicht erlaubt"),
    (r"^Element '(?P<e>[^']+)': No matching global declaration available for the validation root\.$",
     "Element '{e}' ist keine Nachricht dieses Schemas (no matching global declaration)"),
    (r"^Element '(?P<e>[^']+)': Character content other than whitespace is not allowed because the content type "
     r"is 'element-only'\.$",
     "'{e}' darf keinen Text enthalten, nur Elemente"),
    (r"^Element '(?P<e>[^']+)', attribute '(?P<a>[^']+)': The (?:actual )?value does not match the fixed "
     r"value constraint '(?P<f>.*)'\.$",
     "Attribut '{a}' von '{e}' muss '{f}' sein"),
    (r"^Element '(?P<e>[^']+)': The (?:actual )?value does not match the fixed value constraint '(?P<f>.*)'\.$",
     "Wert von '{e}' muss '{f}' sein"),
))


def without_values(message: str) -> str:
    """A libxml2 validity message with the quoted instance value (and any long type pattern) left out."""
    for pattern, replacement in _QUOTED_VALUE:
        message = pattern.sub(replacement, message)
    return message.strip()


def in_german(message: str) -> str:
    """A libxml2 validity message (values already removed) in German, namespaces shortened to local names."""
    message = _NAMESPACE.sub("", message)
    for pattern, german in _GERMAN:
        match = pattern.match(message)
        if match is not None:
            return german.format(**{k: v or "" for k, v in match.groupdict().items()})
    return f"Schemafehler: {message}"


_validate_lock = threading.Lock()


def findings(schema: etree.XMLSchema, tree: etree._ElementTree,
             lock: threading.Lock = _validate_lock) -> list[SchemaViolation]:
    """Every XSD error of `tree`, in document order, each with line and path; empty when it is valid.

    `lock` guards the schema's error log, which is shared state: the hub validates in worker threads.
    """
    with lock:
        if schema.validate(tree):
            return []
        entries = [e for e in cast("Iterable[_LogEntry]", schema.error_log) if e.level_name in _ERROR_LEVELS]
    root = tree.getroot()
    if not entries:  # pragma: no cover - libxml2 always logs why a document is invalid
        line = root.sourceline if isinstance(root.sourceline, int) else None
        return [SchemaViolation("die Nachricht verletzt das Schema", field="/", line=line)]
    return [SchemaViolation(f"Zeile {e.line}, {e.path or '/'}: {in_german(without_values(e.message))}",
                            field=e.path or "/", line=e.line) for e in entries]


def raise_findings(found: list[SchemaViolation], message_id: str | None = None) -> None:
    """Raise the first finding with every further one in `related`; nothing when `found` is empty."""
    if not found:
        return
    for error in found:
        error.message_id = error.message_id or message_id
    first = found[0]
    first.related = tuple(found[1:])
    raise first


def check(schema: etree.XMLSchema, tree: etree._ElementTree, lock: threading.Lock) -> None:
    """Validate `tree`; raise a SchemaViolation carrying every XSD error found (the others in `related`)."""
    raise_findings(findings(schema, tree, lock))
