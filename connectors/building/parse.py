"""Read an XBau message into an `XBauNachricht`: XSD validation first, then extraction naming every missing part.

XBau declares almost every element optional (cardinalities live in Schematron), so an XSD-valid message can still
lack what routing needs; those gaps are MissingField/InvalidField errors with the element path concerned.
Elements are matched by local name: their namespaces vary (qualified XBau, unqualified Kernmodul, bn-g2g) and the
XSD validation before has already fixed where each one may occur.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from connectors.behoerde import behoerde as dvdv_behoerde
from connectors.building.model import (
    KERNMODUL_NAMESPACE,
    NAMESPACE_FAMILY,
    XBAU_NAMESPACE,
    Behoerde,
    Bezug,
    Portalstatus,
    XBauNachricht,
)
from connectors.building.municipality import municipality
from connectors.building.schema import validate
from connectors.building.status_labels import CODELIST_URI, status_codelist, status_label
from connectors.errors import (
    InvalidField,
    MissingField,
    SchemaViolation,
    UnknownMessageType,
    UnknownStandard,
    UnsupportedVersion,
    invalid_model,
)
from connectors.findings import Findings
from connectors.g2g import HEAD, IDENT
from connectors.local_names import child, required, text, timestamp
from connectors.references import normalised
from connectors.secure_xml import local_name, namespace

STATUS_MESSAGE = "prozessnachrichten.statusFuerAntragsportal"
_ROOT = re.compile(r"(?P<kind>[A-Za-z][0-9A-Za-z_.]*?)\.(?P<code>[0-9]{4})")
_BEZUG_PARTS = ("referenz", "vorgang", "bezugNachricht")
REFERENZ_ANTRAGSSERVICE = "referenzAntragsservice/referenzAntragsservice"


def check_namespace(root: etree._Element) -> None:
    """Accept the XBau 2.6 and XBau-Kernmodul 1.3.0 namespaces; name other XBau versions as unsupported."""
    ns = namespace(root)
    if not ns.startswith(NAMESPACE_FAMILY):
        raise UnknownStandard(f"das Wurzelelement {{{ns}}}{local_name(root)} ist kein XBau")
    if ns not in (XBAU_NAMESPACE, KERNMODUL_NAMESPACE):
        raise UnsupportedVersion(f"der Namensraum {ns} ist nicht XBau 2.6 / XBau-Kernmodul 1.3.0", field=ns)


def message_type(root: etree._Element) -> tuple[str, str]:
    """(kind, message type code) from the root's local name, e.g. ("baugenehmigung.antrag", "0200")."""
    match = _ROOT.fullmatch(local_name(root))
    if match is None:
        raise UnknownMessageType(f"{local_name(root)} ist keine XBau-Nachricht (art.NNNN)", field=local_name(root))
    return match["kind"], match["code"]


def recognise(root: etree._Element) -> tuple[str, str]:
    """(kind, message type code) of an XBau 2.6 root; UnknownStandard, UnsupportedVersion or UnknownMessageType."""
    check_namespace(root)
    return message_type(root)


def behoerde(root: etree._Element, role: str) -> Behoerde:
    """autor or leser of the header: DVDV kennung (prefix:key), directory service and name."""
    where = f"{HEAD}/{role}"
    node = child(root, where)
    if node is None:
        raise MissingField(f"{where} fehlt", field=where)
    kennung = required(node, "kennung", where)
    praefix, colon, key = kennung.partition(":")
    if not colon:
        raise InvalidField(f"{where}/kennung ist kein DVDV-Schlüssel (Präfix:Schlüssel)", field=f"{where}/kennung")
    checked = dvdv_behoerde(praefix, key, text(node, "name"), field=f"{where}/kennung")
    return Behoerde(verzeichnisdienst=text(node, "verzeichnisdienst/code"), kennung=checked.dvdv, name=checked.name)


def bezug(root: etree._Element) -> Bezug | None:
    """The answer's reference; anzeige messages wrap it in bezug/mitAktenzeichen."""
    node = child(root, "bezug")
    if node is None:
        return None
    if not any(child(node, part) is not None for part in _BEZUG_PARTS):
        node = child(node, "mitAktenzeichen")
    referenz, answered = text(node, "referenz"), text(node, "bezugNachricht/nachrichtenUUID")
    return Bezug(
        referenz=normalised(referenz) if referenz else None,
        vorgang=text(node, "vorgang"),
        bezug_nachricht_uuid=normalised(answered) if answered else None,
        bezug_nachrichtentyp=text(node, "bezugNachricht/nachrichtentyp/code"),
    )


def portalstatus(root: etree._Element, shared_dir: Path) -> Portalstatus:
    """The 1170 status with its label; the code must come from the statusbauportal list."""
    node = child(root, "statusAntragsportal")
    code = required(node, "code", "statusAntragsportal")
    list_uri = node.get("listURI") if node is not None else None
    if list_uri != CODELIST_URI:
        raise InvalidField(f"statusAntragsportal nennt die Codeliste {list_uri!r}, nicht {CODELIST_URI}",
                           field="statusAntragsportal/@listURI")
    return Portalstatus(code=code, label=status_label(code, shared_dir),
                        codelist_version=status_codelist(shared_dir).version)


def parse_xbau(tree: etree._ElementTree, shared_dir: Path, *, check: bool = True) -> XBauNachricht:
    """Validate a securely parsed XBau message against its XSD, then extract routing, case and status data.

    Raises SchemaViolation (every XSD error in `related`) or the first extraction error (the others in `related`).
    """
    root = tree.getroot()
    check_namespace(root)
    try:
        if check:
            validate(tree, shared_dir)
    except SchemaViolation as violation:
        readable_id = text(root, f"{IDENT}/nachrichtenUUID")  # best effort, so the rejection names the message
        for error in violation.all_errors:
            error.message_id = error.message_id or readable_id
        raise
    kind, code = message_type(root)
    errors = Findings()
    message_id = errors.attempt(lambda: normalised(required(root, f"{IDENT}/nachrichtenUUID", "")))
    typ = errors.attempt(lambda: required(root, f"{IDENT}/nachrichtentyp/code", ""))
    if typ is not None and typ != code:
        errors.add(InvalidField(f"nachrichtentyp {typ} widerspricht dem Wurzelelement {local_name(root)}",
                                         field=f"{IDENT}/nachrichtentyp/code"))
    created_field = f"{IDENT}/erstellungszeitpunkt"
    created = errors.attempt(lambda: timestamp(required(root, created_field, ""), created_field))
    autor = errors.attempt(lambda: behoerde(root, "autor"))
    leser = errors.attempt(lambda: behoerde(root, "leser"))
    found = errors.attempt(lambda: municipality(root, autor, leser)) if autor and leser else None
    status = errors.attempt(lambda: portalstatus(root, shared_dir)) if kind == STATUS_MESSAGE else None
    errors.raise_if_any(message_id)
    assert message_id and created and autor and leser and found  # raise_if_any left no gaps
    try:
        return XBauNachricht(
            namespace=namespace(root),
            root_element=local_name(root),
            kind=kind,
            nachrichtentyp=code,
            nachrichten_uuid=message_id,
            erstellungszeitpunkt=created,
            autor=autor,
            leser=leser,
            referenz_antragsservice=normalised(own) if (own := text(root, REFERENZ_ANTRAGSSERVICE)) else None,
            bezug=bezug(root),
            gemeinde_ags=found[0],
            ags_quelle=found[1],
            status=status,
        )
    except ValidationError as exc:
        raise invalid_model(exc, message_id=message_id) from exc
