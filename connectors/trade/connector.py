"""The trade connector: recognise XGewerbeanzeige and XGewerbeordnung, read them into an event, derive copies."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from lxml import etree

from connectors.behoerde import Addressee
from connectors.config import ConnectorConfig
from connectors.errors import SchemaNotInstalled
from connectors.installed_schemas import installed_schema, version_folder
from connectors.reading import Reading
from connectors.secure_xml import namespace
from connectors.trade.derive import derive
from connectors.trade.model import Gewerbemeldung
from connectors.trade.parse import parse_gewerbemeldung
from connectors.trade.versions import VERSIONS, XGEWERBEANZEIGE, is_trade_namespace
from topics.envelope import RECIPIENT_KIND, Envelope, case_id_for

# Envelope attributes of trade messages: routing facts, and what correlation needs to judge a business's move.
HANDWERK = "handwerk"
GEWERBEBETRIEB_ID = "gewerbebetrieb_id"
GEMEINDE_MELDUNG_NR = "gemeinde_meldung_nr"
VORHERIGE_GEMEINDE = "vorherige_gemeinde"


def attributes(meldung: Gewerbemeldung) -> dict[str, str]:
    """Routing and correlation facts; references normalised (UUIDs in lower case)."""
    first = meldung.meldungen[0]
    facts = {HANDWERK: "ja" if meldung.handwerk else "nein", RECIPIENT_KIND: meldung.empfaengerart}
    for name, value in ((GEWERBEBETRIEB_ID, first.gewerbebetrieb_id),
                        (GEMEINDE_MELDUNG_NR, first.gemeinde_meldung_nr),
                        (VORHERIGE_GEMEINDE, next((m.vorherige_gemeinde for m in meldung.meldungen
                                                   if m.vorherige_gemeinde), None))):
        if value:
            facts[name] = value
    return facts


def to_envelope(meldung: Gewerbemeldung) -> Envelope:
    """Map a parsed Gewerbemeldung onto the hub's event envelope."""
    first = meldung.meldungen[0]
    betrieb = first.gewerbebetrieb_id
    # One case per business and trade office, whichever of the two standards notifies it. Another office's
    # notification joins it only when it continues the business's move (hub.correlation.trade decides).
    case_key = f"betrieb:{betrieb}:{meldung.autor.dvdv}" if betrieb else meldung.nachrichten_uuid
    return Envelope(
        case_id=case_id_for(XGEWERBEANZEIGE, case_key),
        message_id=meldung.nachrichten_uuid,
        standard=meldung.standard,
        version=meldung.version,
        message_type=meldung.nachrichtentyp,
        kinds=meldung.arten,
        author=meldung.autor.dvdv,
        reader=meldung.leser.dvdv,
        ags=meldung.gemeinde_ags,
        occurred_at=first.ereigniszeitpunkt or meldung.erstellungszeitpunkt,
        attributes=attributes(meldung),
    )


def summary(meldung: Gewerbemeldung) -> dict[str, str]:
    """What `hub validate` prints: no personal data, only what identifies the message and how it was checked."""
    return {
        "nachrichtentyp": f"{meldung.root_element} ({meldung.standard} {meldung.version})",
        "meldungsart": ", ".join(meldung.arten),
        "gemeinde": meldung.gemeinde_ags,
        "autor": meldung.autor.dvdv,
        "leser": meldung.leser.dvdv,
        "prüfumfang": meldung.validation_scope,
    }


class TradeConnector:
    """XGewerbeanzeige 2.x and XGewerbeordnung 1.x (Gewerbeanmeldung, -ummeldung, -abmeldung).

    XGewerbeordnung is validated with the official XSDs the operator installs below `config.schema_dir`.
    """

    standard = "XGewerbeanzeige, XGewerbeordnung"

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def recognises(self, root: etree._Element) -> bool:
        return is_trade_namespace(namespace(root))

    def prepare(self) -> None:
        """The structure table, and the installed XSDs of the versions the operator installed (a version without
        them is refused per message, naming the folder)."""
        for spec in VERSIONS:
            if spec.structure is not None:
                spec.table()
            elif self.config.validate and self.config.schema_dir is not None \
                    and version_folder(self.config.schema_dir, spec.standard, spec.version).is_dir():
                with suppress(SchemaNotInstalled):
                    installed_schema(self.config.schema_dir, spec.standard, spec.version, spec.namespace)

    def read(self, tree: etree._ElementTree) -> Reading:
        meldung = parse_gewerbemeldung(tree, self.config.schema_dir, check=self.config.validate)

        def derive_for(recipient: Addressee, keep: Sequence[str]) -> bytes:
            return derive(tree, recipient, keep)

        return Reading(envelope=to_envelope(meldung), summary=summary(meldung), derive=derive_for)
