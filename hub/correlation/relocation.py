"""Rückmeldeverfahren for a business that moves: notifications of one Gewerbebetrieb from different trade offices
are exchanged between those offices, each pair exactly once (XGewerbeordnung ≥ 1.5).

Pure: the caller keeps the notices of one business (keyed by gewerbebetriebID) and sends what `exchange` returns.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from topics.envelope import Envelope

REASON = "Rückmeldung: Verlegung des Gewerbebetriebs"


class Notice(BaseModel):
    """One notification of a business as the exchange remembers it: which office sent it, and its bytes."""

    model_config = ConfigDict(frozen=True)

    envelope: Envelope
    payload_b64: str
    informed: tuple[str, ...] = ()
    caused: tuple[tuple[str, str], ...] = ()  # (message id forwarded, office) that this notice's arrival caused

    @property
    def message_id(self) -> str:
        return self.envelope.message_id

    @property
    def office(self) -> str:
        """The trade office that filed the notification: its author."""
        return self.envelope.author

    @property
    def payload(self) -> bytes:
        return base64.b64decode(self.payload_b64)

    @classmethod
    def of(cls, event: Envelope, payload: bytes) -> Notice:
        return cls(envelope=event, payload_b64=base64.b64encode(payload).decode())


@dataclass(frozen=True)
class Forward:
    """Send `notice` to the trade office `office`."""

    notice: Notice
    office: str


def exchange(known: list[Notice], new: Notice) -> tuple[list[Notice], list[Forward]]:
    """The business's notices after `new` arrived, and the forwards it causes.

    `new` goes to every other office that notified the same business, and each of their notices goes to `new`'s
    office unless that office had it already. A notice already known is being processed again (after a crash or a
    replay): the state stays as it is and the forwards its first arrival caused are returned again, so none is lost;
    their recipients' delivery stage knows what it was given.
    """
    by_id = {n.message_id: n for n in [*known, new]}
    earlier = next((n for n in known if n.message_id == new.message_id), None)
    if earlier is not None:
        return known, [Forward(by_id[message_id], office) for message_id, office in earlier.caused
                       if message_id in by_id]
    forwards: list[Forward] = []
    updated: list[Notice] = []
    informed_new: list[str] = []
    for other in known:
        if other.office == new.office:
            updated.append(other)
            continue
        if other.office not in informed_new:
            forwards.append(Forward(new, other.office))
            informed_new.append(other.office)
        if new.office not in other.informed:
            forwards.append(Forward(other, new.office))
            other = other.model_copy(update={"informed": (*other.informed, new.office)})
        updated.append(other)
    caused = tuple((f.notice.message_id, f.office) for f in forwards)
    updated.append(new.model_copy(update={"informed": tuple(informed_new), "caused": caused}))
    return updated, forwards
