"""The hub's behaviour for one message, independent of faust: accept over HTTP, process from the ingest topic.

Everything goes through a `Send` that returns only once Kafka has acknowledged the record (acks=all), so a
202 or a committed offset always means the records are durable. Tests drive this class with a recording `Send`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from connectors.errors import ConnectorError
from hub import pipeline
from hub.correlation import relocation
from hub.correlation.relocation import Notice
from hub.pipeline import Rejection, Routing
from hub.routing.errors import RoutingError
from monitoring.metrics import DEADLETTERS, DELIVERIES, DUPLICATES, PROCESSING_SECONDS, count_stage
from topics.envelope import (
    DEADLETTER_HEADER,
    ENVELOPE_HEADER,
    PORTAL_LABEL,
    REPLAY_HEADER,
    DeadLetter,
    Envelope,
    Status,
    StatusEvent,
    from_headers,
    to_header,
)

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]
Send = Callable[[str, bytes, bytes, Headers], Awaitable[None]]
ORIGIN_HEADER = "hub-origin"
HTTP_ORIGIN = b"http"


class InternalError(ConnectorError):
    """A failure of the hub itself while processing a record; the record is parked for replay."""

    code = "hub.internal_error"
    http_status = 500


@dataclass(frozen=True)
class Accepted:
    """Durably on Kafka, or already accepted before (`duplicate`): either way the sender may forget it."""

    message_id: str
    case_id: str
    duplicate: bool = False


@dataclass(frozen=True)
class Refused:
    """The caller may not send this message (it names another authority as sender); nothing was stored."""

    reason: str


class Dedup(Protocol):
    """Which XÖV messages of a case were already routed; written only by the worker that owns the case."""

    def seen(self, case_id: str, message_id: str) -> bool: ...

    def remember(self, case_id: str, message_id: str) -> None: ...


class MemoryDedup:
    """A process-local Dedup, for tools and tests."""

    def __init__(self) -> None:
        self.routed: dict[str, set[str]] = {}

    def seen(self, case_id: str, message_id: str) -> bool:
        return message_id in self.routed.get(case_id, set())

    def remember(self, case_id: str, message_id: str) -> None:
        self.routed.setdefault(case_id, set()).add(message_id)


@dataclass(frozen=True)
class Origin:
    """Where a Kafka record came from; carried onto its dead-letter record."""

    topic: str
    partition: int
    offset: int


class Hub:
    """Accepts and processes XÖV messages; routing data and topic names are fixed for the process."""

    def __init__(self, routing: Routing, send: Send, *, max_bytes: int, dedup: Dedup | None = None) -> None:
        self.routing = routing
        self.catalogue = routing.catalogue
        self.send = send
        self.max_bytes = max_bytes
        self.dedup: Dedup = dedup or MemoryDedup()

    async def status(self, event: StatusEvent) -> None:
        value = event.model_dump_json().encode()
        await self.send(self.catalogue.status, event.case_id.encode(), value, [])
        count_stage(event.standard, event.message_type, event.status.value)

    async def park_record(self, data: bytes, record: DeadLetter) -> None:
        """Put the original bytes on the dead-letter topic under the record's id, with the record beside them."""
        await self.send(self.catalogue.deadletter, record.id.encode(), data, [to_header(DEADLETTER_HEADER, record)])
        DEADLETTERS.labels(record.origin, record.reason_code).inc()
        log.warning("parked case %s: %s", record.case_id, record.reason_code)

    async def park(self, data: bytes, rejected: Rejection, *, origin: str, source: Origin | None = None,
                   standard: str | None = None, message_type: str | None = None, attempts: int = 1) -> None:
        """Park the original bytes with the reason, then file the rejection in the case."""
        record = pipeline.dead_letter(rejected, origin=origin, topic=source.topic if source else None,
                                      partition=source.partition if source else None,
                                      offset=source.offset if source else None)
        await self.park_record(data, record.model_copy(update={"standard": standard, "attempts": attempts}))
        await self.status(StatusEvent(case_id=rejected.case_id, status=Status.REJECTED, message_id=rejected.message_id,
                                      standard=standard, message_type=message_type,
                                      reason=f"{rejected.code}: {rejected.reason}"))

    async def accept(self, data: bytes, *, sender: Callable[[str], bool] = lambda _a: True
                     ) -> Accepted | Refused | Rejection:
        """HTTP ingest: read the message, then store it durably on its standard's ingest topic, or park it.

        `sender` says whether the caller may send as the message's author; a message already routed is
        acknowledged as a duplicate without being stored again.
        """
        try:
            reading = pipeline.read(data, max_bytes=self.max_bytes)
        except ConnectorError as error:
            rejected = pipeline.rejection(data, error)
            await self.park(data, rejected, origin="http")
            return rejected
        event = reading.envelope
        if not sender(event.author):
            return Refused(f"this token may not send as {event.author}")
        if self.dedup.seen(event.case_id, event.message_id):
            DUPLICATES.labels(event.standard).inc()
            return Accepted(event.message_id, event.case_id, duplicate=True)
        topic = self.catalogue.ingest(event.standard)
        await self._step(event, Status.RECEIVED)
        # keyed by case: all messages of one case land on one partition and are processed in the order received
        await self.send(topic, event.case_id.encode(), data, [(ORIGIN_HEADER, HTTP_ORIGIN)])
        return Accepted(event.message_id, event.case_id)

    async def process(self, data: bytes, headers: Sequence[tuple[str, bytes]], source: Origin) -> None:
        """Worker step for one ingest record; an unexpected failure parks the record so the worker carries on."""
        try:
            await self._process(data, headers, source)
        except Exception as exc:  # the stream must not stop on one record; the record is parked, not lost
            log.exception("processing failed at %s[%d]@%d", source.topic, source.partition, source.offset)
            rejected = pipeline.rejection(data, InternalError(f"the hub failed on this record ({type(exc).__name__})"))
            await self.park(data, rejected, origin="worker", source=source)

    async def _process(self, data: bytes, headers: Sequence[tuple[str, bytes]], source: Origin) -> None:
        """Validate, route and deliver to every recipient, or park with the reason."""
        started = time.perf_counter()
        attempts = _replayed(headers) + 1
        try:
            reading = pipeline.read(data, max_bytes=self.max_bytes)
        except ConnectorError as error:
            await self.park(data, pipeline.rejection(data, error), origin="worker", source=source, attempts=attempts)
            return
        event = reading.envelope
        if (ORIGIN_HEADER, HTTP_ORIGIN) not in list(headers):
            await self._step(event, Status.RECEIVED)  # published by a connector directly, not over HTTP
        if self.dedup.seen(event.case_id, event.message_id):
            DUPLICATES.labels(event.standard).inc()
            log.info("case %s: message %s was routed before; not routed again", event.case_id, event.message_id)
            return
        await self._step(event, Status.VALIDATED)
        try:
            deliveries = pipeline.plan(data, reading, self.routing)
        except (RoutingError, ConnectorError) as error:
            await self.park(data, pipeline.rejection(data, error, event=event), origin="worker", source=source,
                            standard=event.standard, message_type=event.message_type, attempts=attempts)
            return
        await self._step(event, Status.ROUTED, reason=f"{len(deliveries)} recipients")
        for delivery in deliveries:
            await self.send(delivery.topic, event.case_id.encode(), delivery.payload,
                            [to_header(ENVELOPE_HEADER, delivery.envelope)])
            DELIVERIES.labels(event.standard, delivery.recipient.role).inc()
            if delivery.recipient.authority.delivery is None:  # it reads its stream; else its channel reports
                await self._step(event, Status.DELIVERED, recipient=delivery.recipient.key)
        self.dedup.remember(event.case_id, event.message_id)
        betrieb = event.attributes.get("gewerbebetrieb_id")
        if betrieb:
            await self.send(self.catalogue.trade_betrieb, betrieb.encode(), data, [to_header(ENVELOPE_HEADER, event)])
        PROCESSING_SECONDS.labels(event.standard).observe(time.perf_counter() - started)

    async def exchange(self, data: bytes, headers: Sequence[tuple[str, bytes]],
                       known: list[Notice]) -> list[Notice]:
        """Rückmeldeverfahren step for one notification of a business; returns the business's notices after it."""
        event = from_headers(headers, ENVELOPE_HEADER, Envelope)
        if event is None:
            log.warning("trade.betrieb record without envelope ignored")
            return known
        updated, forwards = relocation.exchange(known, Notice.of(event, data))
        for forward in forwards:
            office = self.routing.directory.authority(forward.office)
            if office is None:
                log.warning("case %s: trade office %s is not in the directory; not informed",
                            forward.notice.envelope.case_id, forward.office)
                continue
            sent = forward.notice.envelope
            envelope = sent.model_copy(update={"recipient": office.key})
            await self.send(self.catalogue.outbound(sent.standard, office.key), sent.case_id.encode(),
                            forward.notice.payload, [to_header(ENVELOPE_HEADER, envelope)])
            DELIVERIES.labels(sent.standard, office.role).inc()
            if office.delivery is not None:
                continue  # its channel reports delivery
            await self.status(StatusEvent(case_id=sent.case_id, status=Status.DELIVERED, message_id=sent.message_id,
                                          standard=sent.standard, message_type=sent.message_type,
                                          recipient=office.key, reason=relocation.REASON))
        return updated

    async def _step(self, event: Envelope, status: Status, *, recipient: str | None = None,
                    reason: str | None = None) -> None:
        """File one step of `event` in its case; received names the sender, every step the portal label."""
        await self.status(StatusEvent(case_id=event.case_id, status=status, message_id=event.message_id,
                                      standard=event.standard, message_type=event.message_type,
                                      recipient=recipient, reason=reason, label=event.attributes.get(PORTAL_LABEL),
                                      author=event.author if status is Status.RECEIVED else None))



def _replayed(headers: Sequence[tuple[str, bytes]]) -> int:
    """How often a replayed record was parked before (0 for a first delivery)."""
    for key, value in headers:
        if key == REPLAY_HEADER and value.isdigit():
            return int(value)
    return 0
