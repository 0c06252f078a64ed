"""Delivery to the recipients the hub serves, as decisions over their state: what each recipient was given, its
lane, its inbox. Every function returns the records to produce; the agents and lanes send them.

"Delivered" is decided here alone: a copy is delivered when it waits in the recipient's inbox, its webhook answered
2xx, its file is written, or it is on the recipient's own Kafka topic. Each recipient is given each message once:
the `delivered` table remembers it, so a copy processed again (after a crash) or sent again is not given twice.
Its mark is written again and its steps are filed again instead: a batch's records are not written atomically, so
a crash can keep some of them and lose the rest; writing again makes them whole, and the case timeline files each
step once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from hub.delivery.lanes import Lane
from hub.inbox import state as inbox
from hub.inbox.state import InboxStore, MemoryInboxStore
from hub.ingest.records import Origin, Out, dead_letter_id, dead_letter_out, status_out
from hub.ingest.state import message_key
from topics.catalogue import Catalogue
from topics.envelope import ENVELOPE_HEADER, DeadLetter, Envelope, Status, StatusEvent, now, to_header

DELIVERY_HEADER = "hub-delivery"  # on retry records: the Attempt
REPLAY_DELIVERY_HEADER = "hub-replay"  # on copies `hub replay` sent again: give them even if given before


class Attempt(BaseModel):
    """A copy between two attempts: for whom, how often tried, its place in the retry stream, the last error."""

    model_config = ConfigDict(frozen=True)

    recipient: str
    message_id: str
    case_id: str
    standard: str | None = None
    attempts: int = 0
    seq: int | None = None
    last_error: str | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    replay: bool = False

    @classmethod
    def first(cls, envelope: Envelope, recipient: str, origin: Origin, *, replay: bool = False) -> Attempt:
        return cls(recipient=recipient, message_id=envelope.message_id, case_id=envelope.case_id,
                   standard=envelope.standard, topic=origin.topic, partition=origin.partition, offset=origin.offset,
                   replay=replay)


class ServedState(Protocol):
    """The tables of the delivery stage, for the recipient at hand."""

    @property
    def inbox(self) -> InboxStore: ...

    def given(self, recipient: str, message_id: str) -> bool: ...

    def given_as(self, recipient: str, message_id: str) -> str | None: ...

    def give(self, recipient: str, message_id: str, how: str) -> None: ...

    def lane(self, recipient: str) -> Lane: ...

    def keep_lane(self, recipient: str, lane: Lane) -> None: ...


class ServedDelivery:
    """Builds the records of the delivery stage; clock injected for tests."""

    def __init__(self, catalogue: Catalogue, clock: Callable[[], datetime] = now) -> None:
        self.catalogue = catalogue
        self.clock = clock

    def offer(self, state: ServedState, recipient: str, envelope: Envelope, origin: Origin, *,
              replay: bool = False) -> list[Out]:
        """A copy for a pull inbox: it waits there once (delivered); once acknowledged it is never offered again
        (unless replayed). A copy processed again writes its state again and files its steps again."""
        if state.given_as(recipient, envelope.message_id) == Status.ACCEPTED.value and not replay:
            return self.refile(state, recipient, envelope.message_id, envelope.case_id, envelope.standard,
                               message_type=envelope.message_type, origin=origin.label, channel="inbox") or []
        inbox.offer(state.inbox, recipient, envelope, origin.partition, origin.offset, self.clock())
        state.give(recipient, envelope.message_id, Status.DELIVERED.value)
        return [self.step(envelope.case_id, envelope.message_id, envelope.standard, recipient, Status.DELIVERED,
                          message_type=envelope.message_type, origin=origin.label, channel="inbox", attempt=1)]

    def acknowledge(self, state: ServedState, recipient: str, message_id: str, origin: Origin | None = None
                    ) -> list[Out]:
        """An inbox acknowledgement: the message leaves the inbox for good and the case shows it accepted."""
        entry = inbox.remove(state.inbox, recipient, message_id)
        if entry is None:
            return []
        state.give(recipient, message_id, Status.ACCEPTED.value)
        return [self.step(entry.case_id, message_id, entry.standard, recipient, Status.ACCEPTED,
                          message_type=entry.message_type, origin=origin.label if origin else None,
                          channel="inbox")]

    def delivered(self, state: ServedState, attempt: Attempt, *, acknowledged: bool, channel: str,
                  origin: Origin | None = None) -> list[Out]:
        """A webhook's 2xx (delivered and accepted by the recipient system) or a written file (delivered)."""
        state.give(attempt.recipient, attempt.message_id,
                   (Status.ACCEPTED if acknowledged else Status.DELIVERED).value)
        steps = (Status.DELIVERED, Status.ACCEPTED) if acknowledged else (Status.DELIVERED,)
        return [self.step(attempt.case_id, attempt.message_id, attempt.standard, attempt.recipient, status,
                          origin=origin.label if origin else None, channel=channel, attempt=attempt.attempts + 1)
                for status in steps]

    def refile(self, state: ServedState, recipient: str, message_id: str, case_id: str, standard: str | None, *,
               message_type: str | None = None, origin: str | None = None, channel: str | None = None
               ) -> list[Out] | None:
        """For a message the recipient was given before: its mark written again, and its steps to be filed again
        (delivered, and accepted once it was acknowledged); None when it was not given yet."""
        how = state.given_as(recipient, message_id)
        if how is None:
            return None
        state.give(recipient, message_id, how)
        steps = (Status.DELIVERED, Status.ACCEPTED) if how == Status.ACCEPTED.value else (Status.DELIVERED,)
        return [self.step(case_id, message_id, standard, recipient, status, message_type=message_type, origin=origin,
                          channel=channel) for status in steps]

    def forward(self, payload: bytes, envelope: Envelope | None, attempt: Attempt) -> Out:
        """The copy onto the retry stream, keyed by recipient so it stays behind the recipient's older copies."""
        headers = [to_header(DELIVERY_HEADER, attempt)]
        if envelope is not None:
            headers.append(to_header(ENVELOPE_HEADER, envelope))
        return Out(self.catalogue.delivery_retry, attempt.recipient.encode(), payload, headers)

    def give_up(self, payload: bytes, attempt: Attempt, channel: str | None = None) -> list[Out]:
        """After the last attempt: the copy is parked with the last error and the case shows `failed`."""
        reason = (f"{attempt.attempts} Zustellversuche an {attempt.recipient} sind fehlgeschlagen; "
                  f"letzter Fehler: {attempt.last_error}")
        record = DeadLetter(reason_code="delivery.failed", reason=reason, case_id=attempt.case_id,
                            message_id=attempt.message_id, origin="delivery", topic=attempt.topic,
                            partition=attempt.partition, offset=attempt.offset, attempts=attempt.attempts,
                            recipient=attempt.recipient, standard=attempt.standard)
        origin = Origin(attempt.topic, attempt.partition, attempt.offset) if attempt.topic is not None \
            and attempt.partition is not None and attempt.offset is not None else None
        record = record.model_copy(update={"id": dead_letter_id(origin, f"delivery.failed:{attempt.recipient}")})
        return [dead_letter_out(self.catalogue, payload, record),
                self.step(attempt.case_id, attempt.message_id, attempt.standard, attempt.recipient, Status.FAILED,
                          reason=reason, channel=channel, attempt=attempt.attempts,
                          origin=origin.label if origin else None)]

    def step(self, case_id: str, message_id: str, standard: str | None, recipient: str, status: Status, *,
             message_type: str | None = None, reason: str | None = None, origin: str | None = None,
             channel: str | None = None, attempt: int | None = None) -> Out:
        return status_out(self.catalogue, StatusEvent(case_id=case_id, status=status, message_id=message_id,
                                                      standard=standard, message_type=message_type,
                                                      recipient=recipient, reason=reason, at=self.clock(),
                                                      origin=origin, channel=channel, attempt=attempt))


class MemoryServedState:
    """A ServedState in process memory, for tools and tests."""

    def __init__(self) -> None:
        self.given_to: dict[tuple[str, str], str] = {}
        self.lanes: dict[str, Lane] = {}
        self._inbox = MemoryInboxStore()

    @property
    def inbox(self) -> InboxStore:
        return self._inbox

    def given(self, recipient: str, message_id: str) -> bool:
        return (recipient, message_key(message_id)) in self.given_to

    def given_as(self, recipient: str, message_id: str) -> str | None:
        return self.given_to.get((recipient, message_key(message_id)))

    def give(self, recipient: str, message_id: str, how: str) -> None:
        self.given_to[(recipient, message_key(message_id))] = how

    def lane(self, recipient: str) -> Lane:
        return self.lanes.get(recipient, Lane())

    def keep_lane(self, recipient: str, lane: Lane) -> None:
        self.lanes[recipient] = lane
