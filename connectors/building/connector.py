"""The building connector: recognise XBau 2.6, read it into an event, derive each recipient's copy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from connectors.behoerde import Addressee
from connectors.building.citizen import citizen_facts
from connectors.building.model import NAMESPACE_FAMILY, STANDARD, XBauNachricht
from connectors.building.municipality import building_authority
from connectors.building.parse import parse_xbau
from connectors.building.portal import portal_label
from connectors.building.schema import MESSAGE_SCHEMAS, schema_for
from connectors.g2g import derive
from connectors.reading import Reading
from connectors.secure_xml import namespace
from topics.envelope import PORTAL_LABEL, Envelope, case_id_for


def case_id(nachricht: XBauNachricht) -> str:
    """One case per application without any state: every answer's bezug/referenz is the application's
    referenzAntragsservice; a message without such a reference opens a case of its own nachrichtenUUID."""
    return case_id_for(STANDARD, nachricht.case_reference)


# Envelope attributes a correlator matches (references normalised: UUIDs in lower case).
REFERENZ = "referenz"  # the application's referenzAntragsservice, its own or its bezug/referenz
VORGANG = "vorgang"  # bezug/vorgang: the Aktenzeichen the message names
AKTENZEICHEN = "aktenzeichen"  # the Aktenzeichen a 1121 announces for the application
BEZUG_NACHRICHT = "bezug_nachricht"  # bezug/bezugNachricht/nachrichtenUUID: the message answered
BAUAUFSICHT = "bauaufsicht"  # the building authority among autor and leser (Aktenzeichen are unique within it)
ANNOUNCES_AKTENZEICHEN = "prozessnachrichten.aktenzeichen"


def attributes(nachricht: XBauNachricht) -> dict[str, str]:
    """Routing, correlation and portal facts: references, Aktenzeichen, answered message, building authority, AGS
    source and the 1170 status."""
    facts: dict[str, str] = {"referenz_quelle": nachricht.referenz_quelle, "ags_quelle": nachricht.ags_quelle}
    if nachricht.referenz:
        facts[REFERENZ] = nachricht.referenz
    if nachricht.aktenzeichen:
        facts[VORGANG] = nachricht.aktenzeichen
        if nachricht.kind == ANNOUNCES_AKTENZEICHEN:
            facts[AKTENZEICHEN] = nachricht.aktenzeichen
    if nachricht.bezug and nachricht.bezug.bezug_nachricht_uuid:
        facts[BEZUG_NACHRICHT] = nachricht.bezug.bezug_nachricht_uuid
    authority = building_authority((nachricht.autor, nachricht.leser))
    if authority is not None:
        facts[BAUAUFSICHT] = authority.kennung
    if nachricht.bezug and nachricht.bezug.bezug_nachrichtentyp:
        facts["bezug_nachrichtentyp"] = nachricht.bezug.bezug_nachrichtentyp
    label = portal_label(nachricht)
    if label:
        facts[PORTAL_LABEL] = label
    if nachricht.status:
        facts["status_code"] = nachricht.status.code
        facts["status_label"] = nachricht.status.label
        facts["status_codelist_version"] = nachricht.status.codelist_version
    return facts


def to_envelope(nachricht: XBauNachricht) -> Envelope:
    """Map a parsed XBau message onto the hub's event envelope."""
    return Envelope(
        case_id=case_id(nachricht),
        message_id=nachricht.nachrichten_uuid,
        standard=STANDARD,
        version=nachricht.version,
        message_type=nachricht.nachrichtentyp,
        kinds=(nachricht.kind,),
        author=nachricht.autor.kennung,
        reader=nachricht.leser.kennung,
        ags=nachricht.gemeinde_ags,
        occurred_at=nachricht.erstellungszeitpunkt,
        attributes=attributes(nachricht),
    )


def summary(nachricht: XBauNachricht) -> dict[str, str]:
    """What `hub validate` prints: identifiers, file number and status; no names, addresses or free text."""
    facts = {
        "nachrichtentyp": f"{nachricht.root_element} (XBau {nachricht.version})",
        "referenz": nachricht.referenz or "(keine)",
        "gemeinde": nachricht.gemeinde_ags,
        "autor": nachricht.autor.kennung,
        "leser": nachricht.leser.kennung,
    }
    if nachricht.aktenzeichen:
        facts["aktenzeichen"] = nachricht.aktenzeichen
    if nachricht.status:
        facts["status"] = f"{nachricht.status.code} {nachricht.status.label}"
    return facts


class BuildingConnector:
    """XBau 2.6 with XBau-Kernmodul 1.3.0: building permit applications, answers and portal status.

    `shared_dir` holds the official XSDs and the statusbauportal code list.
    """

    standard = STANDARD

    def __init__(self, shared_dir: Path, *, check: bool = True) -> None:
        self.shared_dir = shared_dir
        self.check = check  # False: the hub checked this message against its XSD when it accepted it

    def recognises(self, root: etree._Element) -> bool:
        """Every XBau namespace is this connector's; read() names versions other than 2.6 as unsupported."""
        return namespace(root).startswith(NAMESPACE_FAMILY)

    def prepare(self) -> None:
        if self.check:
            for target_namespace in MESSAGE_SCHEMAS:
                schema_for(target_namespace, self.shared_dir)

    def read(self, tree: etree._ElementTree) -> Reading:
        nachricht = parse_xbau(tree, self.shared_dir, check=self.check)

        def derive_for(recipient: Addressee, keep: Sequence[str]) -> bytes:
            return derive(tree, recipient, keep)

        envelope = to_envelope(nachricht)
        envelope = envelope.model_copy(update={"attributes": {**envelope.attributes,
                                                              **citizen_facts(tree.getroot())}})
        return Reading(envelope=envelope, summary=summary(nachricht), derive=derive_for)
