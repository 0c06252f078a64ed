"""Read an XPersonenstand portal message into an `Urkundennachricht`: recognised by its version table, validated
against the official XSDs, then its routing and correlation facts extracted, each gap naming its element path.

The Standesamt's key is read as the AGS of its seat (`psw:<8-digit AGS>`), the municipality the envelope names.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from connectors.behoerde import Behoerde
from connectors.behoerde import behoerde as dvdv_behoerde
from connectors.civil_status.applicant import applicant_digest
from connectors.civil_status.model import NAMESPACE_FAMILY, STANDESAMT_PREFIX, Urkundennachricht
from connectors.civil_status.schema import validate
from connectors.civil_status.versions import VERSIONS, MessageSpec, VersionSpec, VersionTable, version_for_namespace
from connectors.errors import (
    InvalidField,
    MissingField,
    UnknownMessageType,
    UnknownStandard,
    UnsupportedVersion,
    invalid_model,
)
from connectors.findings import Findings
from connectors.g2g import HEAD, IDENT
from connectors.local_names import child, required, text, timestamp
from connectors.secure_xml import local_name, namespace
from connectors.xsd import SchemaViolation
from topics.keys import AGS_PATTERN

_AGS = re.compile(AGS_PATTERN)


def is_xpersonenstand(uri: str) -> bool:
    """True for any XPersonenstand namespace, read or not (an unread version is refused as such, not as unknown)."""
    return uri.startswith(NAMESPACE_FAMILY)


def recognise(root: etree._Element, versions: VersionTable = VERSIONS) -> tuple[VersionSpec, MessageSpec]:
    """The table entries for this root: its version (by namespace) and message type (by element name)."""
    uri, element = namespace(root), local_name(root)
    if not is_xpersonenstand(uri):
        raise UnknownStandard(f"root element {{{uri}}}{element} is not XPersonenstand", field=element)
    spec = version_for_namespace(versions, uri)
    if spec is None:
        raise UnsupportedVersion(f"XPersonenstand namespace {uri} is not in the hub's version table; it reads "
                                 f"XPersonenstand {', '.join(versions)}", field=element)
    message = spec.messages.get(element)
    if message is None:
        raise UnknownMessageType(
            f"XPersonenstand {spec.version} message {element} is not one the hub reads; it reads the certificate "
            "requests portal2StA.*.08x030/031/032 and the deliveries stA2portal.*.08x033", field=element,
            message_id=text(root, f"{IDENT}/nachrichtenUUID"))
    return spec, message


def behoerde(root: etree._Element, role: str) -> Behoerde:
    """autor or leser of the header: its DVDV kennung (prefix:key) and name."""
    where = f"{HEAD}/{role}"
    kennung = required(root, f"{where}/kennung", "")
    praefix, colon, key = kennung.partition(":")
    if not colon:
        raise InvalidField(f"{where}/kennung is no DVDV key (prefix:key)", field=f"{where}/kennung")
    return dvdv_behoerde(praefix, key, text(root, f"{where}/name"), field=f"{where}/kennung")


def standesamt_ags(standesamt: Behoerde, role: str) -> str:
    """The AGS of the Standesamt's seat, from its key; InvalidField when the party is no Standesamt so keyed."""
    field = f"{HEAD}/{role}/kennung"
    if standesamt.praefix != STANDESAMT_PREFIX:
        raise InvalidField(f"{field} must name a Standesamt (DVDV prefix {STANDESAMT_PREFIX}), not "
                           f"{standesamt.praefix}", field=field)
    if not _AGS.fullmatch(standesamt.kennung):
        raise InvalidField(f"{field}: a Standesamt's key must be the 8-digit AGS of its seat", field=field)
    return standesamt.kennung


def parse_urkundennachricht(tree: etree._ElementTree, *, shared_dir: Path, versions: VersionTable = VERSIONS,
                            check: bool = True) -> Urkundennachricht:
    """Validate a securely parsed XPersonenstand message against its XSD, then extract routing and correlation facts.

    Raises SchemaViolation (every XSD error in `related`) or the first extraction error (the others in `related`).
    """
    root = tree.getroot()
    spec, message = recognise(root, versions)
    readable_id = text(root, f"{IDENT}/nachrichtenUUID")  # best effort, so every rejection names the message
    try:
        if check:
            validate(tree, spec, shared_dir)
    except SchemaViolation as violation:
        for error in violation.all_errors:
            error.message_id = error.message_id or readable_id
        raise
    findings = Findings()
    message_id = findings.attempt(lambda: required(root, f"{IDENT}/nachrichtenUUID", ""))
    typ = findings.attempt(lambda: required(root, f"{IDENT}/nachrichtentyp/code", ""))
    if typ is not None and typ != message.code:
        findings.add(InvalidField(f"nachrichtentyp {typ} contradicts the root element {local_name(root)}",
                                  field=f"{IDENT}/nachrichtentyp/code"))
    created_field = f"{IDENT}/erstellungszeitpunkt"
    created = findings.attempt(lambda: timestamp(required(root, created_field, ""), created_field))
    autor = findings.attempt(lambda: behoerde(root, "autor"))
    leser = findings.attempt(lambda: behoerde(root, "leser"))
    standesamt_role = "leser" if message.direction == "anforderung" else "autor"
    standesamt = leser if message.direction == "anforderung" else autor
    if standesamt is not None:
        findings.attempt(lambda: standesamt_ags(standesamt, standesamt_role))
    place_path = message.place
    place = findings.attempt(lambda: required(root, place_path, "")) if place_path else None
    applicant = child(root, spec.applicant)
    if applicant is None:
        findings.add(MissingField(f"{spec.applicant} is missing", field=spec.applicant))
    findings.raise_if_any(message_id)
    assert message_id and created and autor and leser and applicant is not None  # raise_if_any left no gaps
    try:
        return Urkundennachricht(
            nachrichten_uuid=message_id, nachrichtentyp=message.code, root_element=local_name(root),
            version=spec.version, registerart=message.register, direction=message.direction, kind=message.kind,
            erstellungszeitpunkt=created, autor=autor, leser=leser, ereignisort=place, ereignisort_feld=message.place,
            zuordnung=text(root, message.zuordnung) if message.zuordnung else None,
            buchungsreferenz=text(root, message.payment) if message.payment else None,
            antragsteller=applicant_digest(applicant),
        )
    except ValidationError as exc:
        raise invalid_model(exc, message_id=message_id) from exc
