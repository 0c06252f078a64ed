"""Read versioned genericode code lists (Destatis keys) and refuse any file that is not the list it claims to be."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from hub.routing.errors import CodelistError

GENERICODE_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
KEY_COLUMN = "SCHLUESSEL"
NAME_COLUMN = "Bezeichnung"


@dataclass(frozen=True)
class Codelist:
    """One code list: its canonical URI, the version loaded, and code → name."""

    uri: str
    version: str
    path: Path
    entries: dict[str, str]

    @property
    def versioned_uri(self) -> str:
        return f"{self.uri}_{self.version}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_codelist(path: Path, expected_uri: str) -> Codelist:
    """Load `path`, which must be a genericode list with canonical URI `expected_uri`, a version and key column."""
    try:
        root = etree.parse(str(path), parser=_parser()).getroot()
    except OSError as exc:
        raise CodelistError(path, f"cannot be read ({exc})") from exc
    except etree.XMLSyntaxError as exc:
        raise CodelistError(path, f"is not well-formed XML: {exc.msg}") from exc
    if root.tag != f"{{{GENERICODE_NS}}}CodeList":
        raise CodelistError(path, f"is not a genericode 1.0 CodeList (root element {root.tag})")
    uri = (root.findtext("Identification/CanonicalUri") or "").strip()
    version = (root.findtext("Identification/Version") or "").strip()
    if uri != expected_uri:
        raise CodelistError(path, f"is the code list '{uri or '?'}', expected '{expected_uri}'")
    if not version:
        raise CodelistError(path, "names no version (Identification/Version)")
    columns = {c.get("Id") for c in root.iter("Column")}
    if KEY_COLUMN not in columns or NAME_COLUMN not in columns:
        present = sorted(filter(None, columns))
        raise CodelistError(path, f"lacks the columns {KEY_COLUMN} and {NAME_COLUMN} (has {present})")
    entries: dict[str, str] = {}
    for row in root.iter("Row"):
        values = {v.get("ColumnRef"): (v.findtext("SimpleValue") or "").strip() for v in row.iter("Value")}
        key, name = values.get(KEY_COLUMN), values.get(NAME_COLUMN)
        if not key or not key.isdigit():
            raise CodelistError(path, f"has a row without a numeric {KEY_COLUMN}: {values}")
        entries[key] = name or key
    if not entries:
        raise CodelistError(path, "holds no rows")
    return Codelist(uri=uri, version=version, path=path, entries=entries)
