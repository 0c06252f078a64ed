"""One ingest record in, the records it causes out: case steps, every recipient's copy, forwards, dead letters.

Deterministic for a record and the state before it, and safe to run twice on the same record: a crash between the
state update and the produced records makes the worker process the record again, and it then produces the same
records again (the timeline and the delivery stage file each once). A second record with a message id already
routed is a duplicate and produces nothing; one from another author is parked as a conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from connectors.errors import ConnectorError
from connectors.reading import Reading
from hub import pipeline
from hub.cases.facts import facts_of
from hub.cases.references import references_of
from hub.correlation import relocation
from hub.correlation.business_move import forward_copy
from hub.correlation.filing import correlators
from hub.correlation.relocation import Notice
from hub.failure_log import log_failure
from hub.ingest.ordering import ordering_key
from hub.ingest.records import (
    Origin,
    Out,
    dead_letter_id,
    dead_letter_out,
    from_api,
    received_at,
    status_out,
)
from hub.ingest.state import IngestState, Seen, keep_notices, notices
from hub.logs import events
from hub.pipeline import Rejection, Routing
from hub.routing.directory import Authority
from hub.routing.errors import RoutingError
from hub.routing.route import topic_for
from monitoring.metrics import DELIVERIES, DUPLICATES
from topics.envelope import (
    ENVELOPE_HEADER,
    PORTAL_LABEL,
    REPLAY_HEADER,
    Envelope,
    Status,
    StatusEvent,
    now,
    to_header,
)

log = logging.getLogger(__name__)


class InternalError(ConnectorError):
    """A failure of the hub itself while processing a record; the record is parked for replay."""

    code = "hub.internal_error"
    http_status = 500


class MessageIdConflict(ConnectorError):
    """The message id was already used by another author; the hub never reveals that author's case."""

    code = "message.id_conflict"
    http_status = 409


def conflict(message_id: str) -> MessageIdConflict:
    return MessageIdConflict(f"die Nachrichten-ID {message_id} wurde bereits von einer anderen Behörde verwendet; "
                             "jede Nachricht braucht eine eigene nachrichtenUUID", field="nachrichtenUUID",
                             message_id=message_id)


class IngestProcessor:
    """Reads, routes and files one ingest record; routing data and topic names are fixed for the process."""

    def __init__(self, routing: Routing, *, max_bytes: int,
                 read: Callable[[bytes, bool], Reading] | None = None, clock: Callable[[], datetime] = now) -> None:
        self.routing = routing
        self.catalogue = routing.catalogue
        self.max_bytes = max_bytes
        # (bytes, validated by the hub's API already) -> Reading: a message is validated once, where it comes in
        self.read = read or (lambda data, validated: pipeline.read(data, max_bytes=max_bytes, validated=validated))
        self.clock = clock
        self.correlators = correlators(routing.directory)

    def process(self, data: bytes, key: bytes | None, headers: Sequence[tuple[str, bytes]], origin: Origin,
                state: IngestState) -> list[Out]:
        """The records for one ingest record; an unexpected failure parks the record so the stream carries on."""
        try:
            return self._process(data, key, headers, origin, state)
        except Exception as exc:  # the stream must not stop on one record; it is parked, not lost
            log_failure(log, f"processing {origin.label}", exc)
            error = InternalError(f"der Hub konnte diesen Datensatz nicht verarbeiten ({type(exc).__name__}); "
                                  "er ist zur erneuten Einspielung geparkt")
            return self.park(data, pipeline.rejection(data, error), origin, headers)

    def _process(self, data: bytes, key: bytes | None, headers: Sequence[tuple[str, bytes]], origin: Origin,
                 state: IngestState) -> list[Out]:
        try:
            reading = self.read(data, from_api(headers))
        except ConnectorError as error:
            return self.park(data, pipeline.rejection(data, error), origin, headers)
        event = reading.envelope
        expected = ordering_key(event, self.routing.directory).encode()
        if key != expected:  # a connector keyed it differently: move it to the partition that owns its state
            log.info("record %s re-keyed to its ordering key", origin.label)
            return [Out(origin.topic, expected, data, list(headers))]
        seen = state.seen(event.message_id)
        if seen is not None and seen.origin != origin.label:
            if seen.author != event.author:
                # filed under a case of its own: the other author's case is neither named nor touched
                return self.park(data, pipeline.rejection(data, conflict(event.message_id)), origin, headers,
                                 standard=event.standard, author=event.author)
            DUPLICATES.labels(event.standard).inc()
            log.info("case %s: message %s was routed before; not routed again", seen.case_id, event.message_id)
            return []
        provisional = event.case_id
        correlator = self.correlators.get(event.standard)
        try:
            if correlator is not None:
                event = correlator.file(event, state)
                reading = replace(reading, envelope=event)
        except RoutingError as error:  # nothing it answers or continues: parked under its own case
            return [self._step(event, Status.RECEIVED, at=received_at(headers), origin=origin),
                    *self._references(event),
                    *self.park(data, pipeline.rejection(data, error, event=event), origin, headers,
                               standard=event.standard, message_type=event.message_type, author=event.author)]
        outs = [self._step(event, Status.RECEIVED, at=received_at(headers), origin=origin),
                self._step(event, Status.VALIDATED, origin=origin)]
        if event.case_id != provisional:  # the API answered with the message's own case: it points to the real one
            outs.append(self._step(event.model_copy(update={"case_id": provisional}), Status.ROUTED,
                                   reason=f"dem Vorgang {event.case_id} zugeordnet", author=event.author,
                                   origin=origin))
        try:
            deliveries = pipeline.plan(data, reading, self.routing)
        except (RoutingError, ConnectorError) as error:
            return outs[:1] + self._references(event) + self.park(
                data, pipeline.rejection(data, error, event=event), origin, headers, standard=event.standard,
                message_type=event.message_type, author=event.author)
        outs.append(self._step(event, Status.ROUTED, reason=f"an {len(deliveries)} Empfänger", origin=origin))
        outs += self._references(event)
        for delivery in deliveries:
            outs += self._copy(delivery.envelope, delivery.recipient.authority, delivery.payload, origin)
            DELIVERIES.labels(event.standard, delivery.recipient.role).inc()
        betrieb = event.attributes.get("gewerbebetrieb_id")
        if betrieb:
            outs += self._exchange(betrieb, event, data, state, origin)
        if correlator is not None:
            correlator.learn(event, state)
        state.remember(event.message_id, Seen(author=event.author, case_id=event.case_id, origin=origin.label))
        events.routed(case_id=event.case_id, message_id=event.message_id, standard=event.standard,
                      recipients=len(deliveries))
        return outs

    def _references(self, event: Envelope) -> list[Out]:
        """The message's references for the index, keyed by their normalised value."""
        return [Out(self.catalogue.references, ref.key.encode(), ref.hit.model_dump_json().encode())
                for ref in references_of(event)]

    def _exchange(self, betrieb: str, event: Envelope, data: bytes, state: IngestState, origin: Origin
                  ) -> list[Out]:
        """Rückmeldeverfahren: the trade offices whose notices of one business form one case (a real move) learn of
        each other's notices, each as its own copy; notices in cases of their own are exchanged with nobody."""
        known = notices(state, betrieb)
        others = [n for n in known if n.envelope.case_id != event.case_id]
        updated, forwards = relocation.exchange([n for n in known if n.envelope.case_id == event.case_id],
                                                Notice.of(event, data))
        keep_notices(state, betrieb, [*others, *updated])
        outs: list[Out] = []
        for forward in forwards:
            office = self.routing.directory.authority(forward.office)
            if office is None:
                log.warning("case %s: trade office %s is not in the directory; not informed", event.case_id,
                            forward.office)
                continue
            sent = forward.notice.envelope.model_copy(update={"recipient": office.key})
            outs.append(self._step(sent, Status.ROUTED, recipient=office.key, reason=relocation.REASON,
                                   origin=origin))
            copy = forward_copy(forward.notice.payload, office, self.routing, max_bytes=self.max_bytes)
            outs += self._copy(sent, office, copy, origin, reason=relocation.REASON)
            DELIVERIES.labels(sent.standard, office.role).inc()
        return outs

    def _copy(self, envelope: Envelope, authority: Authority, payload: bytes, origin: Origin, *,
              reason: str | None = None) -> list[Out]:
        """A recipient's copy: on the shared delivery stream keyed by recipient, or on its own Kafka topic (then it
        is delivered at once: the topic is its channel)."""
        topic = topic_for(self.catalogue, envelope.standard, authority)
        header = [to_header(ENVELOPE_HEADER, envelope)]
        if topic != self.catalogue.delivery:
            return [Out(topic, envelope.case_id.encode(), payload, header),
                    self._step(envelope, Status.DELIVERED, recipient=authority.key, reason=reason, origin=origin,
                               channel="kafka")]
        return [Out(topic, authority.key.encode(), payload, header)]

    def park(self, data: bytes, rejected: Rejection, origin: Origin | None, headers: Sequence[tuple[str, bytes]],
             *, standard: str | None = None, message_type: str | None = None, author: str | None = None) -> list[Out]:
        """The original bytes with the reason on the dead-letter topic, and the rejection in the case (naming its
        sender, so the sender can read why)."""
        record = pipeline.dead_letter(rejected, origin="worker" if origin else "http",
                                      topic=origin.topic if origin else None,
                                      partition=origin.partition if origin else None,
                                      offset=origin.offset if origin else None)
        record = record.model_copy(update={"id": dead_letter_id(origin, rejected.code), "standard": standard,
                                           "attempts": _replayed(headers) + 1})
        events.parked(reason=record.reason_code, stage=record.origin, case_id=record.case_id,
                      message_id=record.message_id, standard=standard)
        rejection = StatusEvent(case_id=rejected.case_id, status=Status.REJECTED, message_id=rejected.message_id,
                                standard=standard, message_type=message_type,
                                reason=f"{rejected.code}: {rejected.reason}", at=received_at(headers) or self.clock(),
                                author=author)
        return [dead_letter_out(self.catalogue, data, record), status_out(self.catalogue, rejection)]

    def _step(self, event: Envelope, status: Status, *, recipient: str | None = None, reason: str | None = None,
              at: datetime | None = None, author: str | None = None, origin: Origin | None = None,
              channel: str | None = None) -> Out:
        """One step of `event` in its case; received names the sender and carries what the citizen view shows of
        the message, every step the portal label."""
        received = status is Status.RECEIVED
        return status_out(self.catalogue, StatusEvent(
            case_id=event.case_id, status=status, message_id=event.message_id, standard=event.standard,
            message_type=event.message_type, recipient=recipient, reason=reason, at=at or self.clock(),
            label=event.attributes.get(PORTAL_LABEL), author=event.author if received else author,
            kinds=event.kinds if received else (), facts=facts_of(event, self.routing.directory) if received else {},
            origin=origin.label if origin else None, channel=channel))


def _replayed(headers: Sequence[tuple[str, bytes]]) -> int:
    """How often a replayed record was parked before (0 for a first delivery)."""
    for key, value in headers:
        if key == REPLAY_HEADER and value.isdigit():
            return int(value)
    return 0
