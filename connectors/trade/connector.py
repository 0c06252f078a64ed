"""The trade connector: recognise XGewerbeanzeige, read it into an event, derive each recipient's copy."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from connectors.behoerde import Behoerde
from connectors.config import ConnectorConfig
from connectors.reading import Reading
from connectors.secure_xml import namespace
from connectors.trade.derive import derive
from connectors.trade.model import NAMESPACE_PREFIX, STANDARD, Gewerbemeldung
from connectors.trade.parse import parse_gewerbemeldung
from topics.envelope import Envelope, case_id_for


def to_envelope(meldung: Gewerbemeldung) -> Envelope:
    """Map a parsed Gewerbemeldung onto the hub's event envelope."""
    first = meldung.meldungen[0]
    betrieb = first.gewerbebetrieb_id
    # One case per business: every notification of a Gewerbebetrieb, wherever it is filed, joins its case.
    case_key = f"betrieb:{betrieb}" if betrieb else meldung.nachrichten_uuid
    attributes = {"handwerk": "ja" if meldung.handwerk else "nein", "empfaengerart": meldung.empfaengerart}
    if betrieb:
        attributes["gewerbebetrieb_id"] = betrieb
    return Envelope(
        case_id=case_id_for(STANDARD, case_key),
        message_id=meldung.nachrichten_uuid,
        standard=STANDARD,
        version=meldung.version,
        message_type=meldung.nachrichtentyp,
        kinds=meldung.arten,
        author=meldung.autor.dvdv,
        reader=meldung.leser.dvdv,
        ags=meldung.gemeinde_ags,
        occurred_at=first.ereigniszeitpunkt or meldung.erstellungszeitpunkt,
        attributes=attributes,
    )


class TradeConnector:
    """XGewerbeanzeige 2.x (Gewerbeanmeldung, -ummeldung, -abmeldung)."""

    standard = STANDARD

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    def recognises(self, root: etree._Element) -> bool:
        return namespace(root).startswith(NAMESPACE_PREFIX)

    def read(self, tree: etree._ElementTree) -> Reading:
        meldung = parse_gewerbemeldung(tree)
        envelope = to_envelope(meldung)

        def derive_for(authority: str, name: str | None, keep: Sequence[str]) -> bytes:
            praefix, kennung = authority.split(":", 1)
            return derive(tree, Behoerde(praefix=praefix, kennung=kennung, name=name), keep)

        return Reading(envelope=envelope, summary=_summary(meldung), derive=derive_for)


def _summary(meldung: Gewerbemeldung) -> dict[str, str]:
    """What `hub validate` prints: no personal data, only what identifies the message."""
    return {
        "nachrichtentyp": f"{meldung.root_element} (XGewerbeanzeige {meldung.version})",
        "meldungsart": ", ".join(meldung.arten),
        "gemeinde": meldung.gemeinde_ags,
        "autor": meldung.autor.dvdv,
        "leser": meldung.leser.dvdv,
    }
