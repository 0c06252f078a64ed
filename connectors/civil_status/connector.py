"""The civil-status connector: recognise XPersonenstand, read it into an event, derive a recipient's copy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from connectors.behoerde import Addressee
from connectors.civil_status.model import STANDARD, Attribute, Urkundennachricht
from connectors.civil_status.parse import is_xpersonenstand, parse_urkundennachricht, standesamt_ags
from connectors.civil_status.schema import compiled
from connectors.civil_status.versions import VERSIONS, VersionTable
from connectors.g2g import derive
from connectors.reading import Reading
from connectors.secure_xml import namespace
from topics.envelope import Envelope, case_id_for


def attributes(nachricht: Urkundennachricht) -> dict[str, str]:
    """Correlation, routing and citizen-view facts (names in `Attribute`); absent parts are left out."""
    facts = {
        Attribute.REGISTER: nachricht.registerart,
        Attribute.STANDESAMT: nachricht.standesamt.dvdv,
        Attribute.PORTAL: nachricht.portal.dvdv,
        Attribute.ANTRAGSTELLER: nachricht.antragsteller,
    }
    optional = {
        Attribute.ZUORDNUNG: nachricht.zuordnung,
        Attribute.BUCHUNGSREFERENZ: nachricht.buchungsreferenz,
        Attribute.EREIGNISORT: nachricht.ereignisort,
        Attribute.EREIGNISORT_FELD: nachricht.ereignisort_feld,
    }
    return facts | {name: value for name, value in optional.items() if value}


def to_envelope(nachricht: Urkundennachricht) -> Envelope:
    """Map a parsed message onto the hub's event envelope; `ags` is the seat of the Standesamt concerned.

    A request opens a case of its own nachrichtenUUID. A delivery carries no reference the case could be named after
    without state (the zuordnung is optional and may name a user account rather than one request), so it is filed
    under its own id until correlation (hub/correlation/certificates.py) finds the request it answers.
    """
    role = "leser" if nachricht.direction == "anforderung" else "autor"
    return Envelope(
        case_id=case_id_for(STANDARD, nachricht.nachrichten_uuid),
        message_id=nachricht.nachrichten_uuid,
        standard=STANDARD,
        version=nachricht.version,
        message_type=nachricht.nachrichtentyp,
        kinds=nachricht.kinds,
        author=nachricht.autor.dvdv,
        reader=nachricht.leser.dvdv,
        ags=standesamt_ags(nachricht.standesamt, role),
        occurred_at=nachricht.erstellungszeitpunkt,
        attributes=attributes(nachricht),
    )


def summary(nachricht: Urkundennachricht) -> dict[str, str]:
    """What `hub validate` prints: identifiers and references; no names, places or applicant data."""
    return {
        "nachrichtentyp": f"{nachricht.nachrichtentyp} {nachricht.root_element} (XPersonenstand {nachricht.version})",
        "register": nachricht.registerart,
        "art": nachricht.kind,
        "standesamt": nachricht.standesamt.dvdv,
        "portal": nachricht.portal.dvdv,
        "zuordnung": nachricht.zuordnung or "(keine)",
        "buchungsreferenz": nachricht.buchungsreferenz or "(keine)",
    }


class CivilStatusConnector:
    """XPersonenstand portal messages in the versions of its table: certificate requests and deliveries.

    `shared_dir` holds the XPersonenstand XSDs and their catalogue.
    """

    standard = STANDARD

    def __init__(self, shared_dir: Path, versions: VersionTable = VERSIONS, *, check: bool = True) -> None:
        self.shared_dir = shared_dir
        self.versions = versions
        self.check = check  # False: the hub checked this message against its XSDs when it accepted it

    def recognises(self, root: etree._Element) -> bool:
        """Any XPersonenstand namespace: an unread version or message is then refused precisely by `read`."""
        return is_xpersonenstand(namespace(root))

    def prepare(self) -> None:
        if self.check:
            for spec in self.versions.values():
                compiled(spec, self.shared_dir)

    def read(self, tree: etree._ElementTree) -> Reading:
        nachricht = parse_urkundennachricht(tree, shared_dir=self.shared_dir, versions=self.versions,
                                            check=self.check)

        def derive_for(recipient: Addressee, keep: Sequence[str]) -> bytes:
            return derive(tree, recipient, keep)

        return Reading(envelope=to_envelope(nachricht), summary=summary(nachricht), derive=derive_for)
