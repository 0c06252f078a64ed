"""Read versioned genericode code lists (XÖV, Destatis) and refuse any file that is not the list it claims to be."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from topics.keys import ascii_digits

GENERICODE_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"


class CodelistError(Exception):
    """A code list file is missing, unreadable, or not the list the hub expects: a deployment fault."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"code list {path} {detail}")
        self.path = path
        self.detail = detail


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


def read_codelist(path: Path, expected_uri: str, *, key: str, name: str, numeric: bool = False) -> Codelist:
    """Load `path`, a genericode list with canonical URI `expected_uri`, a version and the columns `key` and `name`.

    `numeric` requires every key to be digits (Destatis keys).
    """
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
    if key not in columns or name not in columns:
        present = sorted(filter(None, columns))
        raise CodelistError(path, f"lacks the columns {key} and {name} (has {present})")
    entries: dict[str, str] = {}
    for row in root.iter("Row"):
        values = {v.get("ColumnRef"): (v.findtext("SimpleValue") or "").strip() for v in row.iter("Value")}
        code, label = values.get(key), values.get(name)
        if not code or (numeric and not ascii_digits(code)):
            raise CodelistError(path, f"has a row without a {'numeric ' if numeric else ''}{key}: {values}")
        entries[code] = label or code
    if not entries:
        raise CodelistError(path, "holds no rows")
    return Codelist(uri=uri, version=version, path=path, entries=entries)
