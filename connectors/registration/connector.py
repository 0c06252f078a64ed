"""The registration connector: recognise XMeld, read it into an event, derive each recipient's copy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from connectors.behoerde import Addressee
from connectors.reading import Reading
from connectors.registration.derive import derive
from connectors.registration.model import STANDARD, Meldenachricht, is_xmeld_namespace
from connectors.registration.parse import parse_meldenachricht, recognise, schema_for
from connectors.registration.strict import compiled
from connectors.registration.versions import VERSIONS, VersionTable
from connectors.secure_xml import namespace
from topics.envelope import Envelope, case_id_for


def to_envelope(meldung: Meldenachricht) -> Envelope:
    """Map a parsed XMeld message onto the hub's event envelope; `ags` is the new (Zuzug) municipality.

    The case is named after `case_reference` (the request's nachrichtenUUID where the message carries it), so the
    request and its answer share one case without any state in the hub.
    """
    return Envelope(
        case_id=case_id_for(STANDARD, meldung.case_reference),
        message_id=meldung.nachrichten_uuid,
        standard=STANDARD,
        version=meldung.version,
        message_type=meldung.nachrichtentyp,
        kinds=(meldung.kind,),
        author=meldung.autor.dvdv,
        reader=meldung.leser.dvdv,
        ags=meldung.neue_gemeinde,
        occurred_at=meldung.occurred_at,
        attributes={
            "vorherige_gemeinde": meldung.vorherige_gemeinde,
            "neue_gemeinde": meldung.neue_gemeinde,
        },
    )


def summary(meldung: Meldenachricht) -> dict[str, str]:
    """What `hub validate` prints: no personal data, only what identifies the message and how far it was checked."""
    return {
        "nachrichtentyp": f"{meldung.nachrichtentyp} {meldung.root_element} (XMeld {meldung.version})",
        "art": meldung.kind,
        "bisherige Gemeinde": meldung.vorherige_gemeinde,
        "neue Gemeinde": meldung.neue_gemeinde,
        "autor": meldung.autor.dvdv,
        "leser": meldung.leser.dvdv,
        "prüfumfang": meldung.validation_scope,
    }


class RegistrationConnector:
    """XMeld (Meldewesen) in the versions of its table: Anmeldung data request/provision and Rückmeldung.

    `shared_dir` holds the XMeld XSDs and the xinneres modules; `versions` is the version table.
    """

    standard = STANDARD

    def __init__(self, shared_dir: Path, versions: VersionTable = VERSIONS, *, check: bool = True) -> None:
        self.shared_dir = shared_dir
        self.versions = versions
        self.check = check  # False: the hub checked this message against its XSDs when it accepted it

    def recognises(self, root: etree._Element) -> bool:
        """Any XMeld namespace: an unread version or type is then refused with its precise reason by `read`."""
        return is_xmeld_namespace(namespace(root))

    def prepare(self) -> None:
        """Every reading needs both the scanned and the strict (compiled) schema, validating or not."""
        for spec in self.versions.values():
            schema_for(spec, self.shared_dir)
            compiled(spec, self.shared_dir)

    def read(self, tree: etree._ElementTree) -> Reading:
        meldung = parse_meldenachricht(tree, shared_dir=self.shared_dir, versions=self.versions,
                                       check=self.check)
        kopf = recognise(tree.getroot(), self.versions)[0].kopf

        def derive_for(recipient: Addressee, keep: Sequence[str]) -> bytes:
            return derive(tree, recipient.behoerde, keep, kopf)

        return Reading(envelope=to_envelope(meldung), summary=summary(meldung), derive=derive_for)
