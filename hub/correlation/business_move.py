"""When two trade offices' notifications of one business describe its move, and what each office then receives.

A gewerbebetriebID is chosen by the sender, so sharing it proves nothing: two notices belong to one move only when
the notification at the new office names the old office's municipality as the previous location, and each notice
was filed by the trade office responsible for its own municipality. The copy an office receives in the
Rückmeldeverfahren is derived like every other copy: addressed to it, of its kind, reduced by its role's policy.
"""

from __future__ import annotations

from connectors.references import normalised
from connectors.trade.connector import GEWERBEBETRIEB_ID, VORHERIGE_GEMEINDE
from hub import pipeline
from hub.pipeline import Routing
from hub.routing.directory import Authority, Directory
from topics.envelope import Envelope

TRADE_OFFICE_ROLE = "gewerbeamt"  # the directory role of the offices that exchange notices (see [streams])


def _business(event: Envelope) -> str | None:
    value = event.attributes.get(GEWERBEBETRIEB_ID)
    return normalised(value) if value else None


def _filed_by_its_office(event: Envelope, directory: Directory) -> Authority | None:
    """The trade office that filed `event`, when it is the office responsible for the municipality concerned."""
    author = directory.authority(event.author)
    responsible = directory.responsible(TRADE_OFFICE_ROLE, event.ags)
    if author is None or responsible is None or author.key != responsible.key:
        return None
    return author


def _names_as_previous(at_new: Envelope, at_old: Envelope) -> bool:
    return at_new.attributes.get(VORHERIGE_GEMEINDE) == at_old.ags != at_new.ags


def is_move(existing: Envelope, new: Envelope, directory: Directory) -> bool:
    """True when `existing` and `new`, two notices carrying the same gewerbebetriebID, describe the business's move
    between two trade offices (in either order of arrival); False for anything a sender's reference alone claims."""
    business = _business(new)
    if business is None or business != _business(existing):
        return False
    old_office, new_office = _filed_by_its_office(existing, directory), _filed_by_its_office(new, directory)
    if old_office is None or new_office is None or old_office.key == new_office.key:
        return False
    return _names_as_previous(new, existing) or _names_as_previous(existing, new)


def reason_not_a_move(existing: Envelope, new: Envelope, directory: Directory) -> str | None:
    """Why `new` does not join `existing`'s move, for the operators' log (no personal data); None for a move."""
    if is_move(existing, new, directory):
        return None
    if _business(new) != _business(existing):
        return "verschiedene gewerbebetriebID"
    for event in (existing, new):
        if _filed_by_its_office(event, directory) is None:
            return f"{event.author} ist nicht das Gewerbeamt der Gemeinde {event.ags}"
    if directory.authority(existing.author) == directory.authority(new.author):
        return "beide Meldungen stammen vom selben Gewerbeamt"
    return (f"die Meldung der neuen Betriebsstätte nennt die Gemeinde des anderen Gewerbeamts nicht als bisherige "
            f"Betriebsstätte ({VORHERIGE_GEMEINDE})")


def forward_copy(payload: bytes, office: Authority, routing: Routing, *, max_bytes: int) -> bytes:
    """The copy of the notice `payload` that the trade office `office` receives in the Rückmeldeverfahren."""
    reading = pipeline.read(payload, max_bytes=max_bytes)
    kinds = routing.rules.kinds_of(reading.envelope.standard)
    kind = kinds.of_role(office.role) if kinds else None
    return reading.derive(pipeline.addressee(office, kind), routing.rules.policies[office.role].keep)
