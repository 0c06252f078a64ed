"""HTTP ingest as a decision: a read message (or the reason it does not read) in, the answer and one record out.

The API writes a message as exactly one ingest record, keyed by its ordering key; the worker files its steps. A
refused message is parked at once with its original bytes; nothing else is written for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from connectors.errors import ConnectorError
from connectors.reading import Reading
from hub import pipeline
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import conflict
from hub.ingest.records import (
    HTTP_ORIGIN,
    ORIGIN_HEADER,
    RECEIVED_AT_HEADER,
    Out,
    dead_letter_out,
    status_out,
)
from hub.ingest.state import Seen
from hub.pipeline import Rejection, Routing
from monitoring.metrics import DUPLICATES
from topics.envelope import Status, StatusEvent, now


@dataclass(frozen=True)
class Accepted:
    """Durably on Kafka once its record is acknowledged, or accepted before (`duplicate`)."""

    message_id: str
    case_id: str
    duplicate: bool = False


@dataclass(frozen=True)
class Refused:
    """The caller may not send this message (it names another authority as sender); nothing is stored."""

    reason: str


Outcome = Accepted | Refused | Rejection
SeenLookup = Callable[[bytes, str], Seen | None]  # (ordering key, message id) -> what the owning worker knows


def _unknown(_key: bytes, _message_id: str) -> Seen | None:
    return None


class Acceptor:
    """Decides what the API answers for one message and which records that takes."""

    def __init__(self, routing: Routing, *, clock: Callable[[], datetime] = now) -> None:
        self.routing = routing
        self.catalogue = routing.catalogue
        self.clock = clock

    def decide(self, data: bytes, reading: Reading | ConnectorError, *, sender: Callable[[str], bool],
               seen: SeenLookup = _unknown, caller: str | None = None) -> tuple[Outcome, list[Out]]:
        """The answer and the records to write before giving it.

        `sender` says whether the caller may send as the message's author; `seen` looks a message id up where the
        owning worker keeps it (when this process owns it), so a duplicate is acknowledged and a conflicting id
        refused right away; the worker checks again in any case. `caller` is the authority the caller acts for, named
        on a rejection of a message that does not say who sent it, so the caller can read the case it was filed in.
        """
        if isinstance(reading, ConnectorError):
            rejected = pipeline.rejection(data, reading)
            return rejected, self.park(data, rejected, author=caller)
        event = reading.envelope
        if not sender(event.author):
            return Refused(f"dieser Token darf nicht als {event.author} senden"), []
        key = ordering_key(event, self.routing.directory).encode()
        known = seen(key, event.message_id)
        if known is not None and known.author != event.author:
            rejected = pipeline.rejection(data, conflict(event.message_id))
            return rejected, self.park(data, rejected, standard=event.standard, author=event.author)
        if known is not None:
            DUPLICATES.labels(event.standard).inc()
            return Accepted(event.message_id, known.case_id, duplicate=True), []
        received = self.clock().isoformat().encode()
        record = Out(self.catalogue.ingest(event.standard), key, data,
                     [(ORIGIN_HEADER, HTTP_ORIGIN), (RECEIVED_AT_HEADER, received)])
        return Accepted(event.message_id, event.case_id), [record]

    def park(self, data: bytes, rejected: Rejection, *, standard: str | None = None,
             author: str | None = None) -> list[Out]:
        """A message refused at the API: its bytes and reason on the dead-letter topic, the rejection in its case."""
        record = pipeline.dead_letter(rejected, origin="http").model_copy(update={"standard": standard})
        event = StatusEvent(case_id=rejected.case_id, status=Status.REJECTED, message_id=rejected.message_id,
                            standard=standard, reason=f"{rejected.code}: {rejected.reason}", at=self.clock(),
                            author=author)
        return [dead_letter_out(self.catalogue, data, record), status_out(self.catalogue, event)]
