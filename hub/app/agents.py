"""The worker's agents: each takes a batch of records, hands every record to its stage, produces what the stages
return in one go, and only then acknowledges the batch. One agent per topic, concurrency 1: no offset is ever
committed past a record whose outcome is not durable (copies handed to a lane are acknowledged by the lane).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import faust
from pydantic import TypeAdapter

from hub.app.producer import Sender
from hub.app.records import record_headers
from hub.app.tables import Strings, TableIngestState, TableServedState, bind, drain, open_journal
from hub.cases.labels import labels
from hub.cases.outcomes import delivery_outcomes
from hub.cases.references import Hit, merge
from hub.cases.timeline import Entry, PortalPush, apply
from hub.delivery.attempts import ChannelClient
from hub.delivery.channels import InboxChannel, KafkaChannel
from hub.delivery.reasons import reason_code
from hub.delivery.runner import Copy, LaneRunner
from hub.delivery.served import DELIVERY_HEADER, REPLAY_DELIVERY_HEADER, Attempt, ServedDelivery
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Origin, Out, header
from hub.logs import events as log_events
from hub.offload import PreparedBatch
from hub.pipeline import Routing
from hub.settings import Settings
from monitoring.metrics import count_stage, delivery_outcome, observe_end_to_end
from topics.catalogue import INGEST_BY_STANDARD
from topics.envelope import ENVELOPE_HEADER, Envelope, Status, StatusEvent, from_headers, to_header

log = logging.getLogger(__name__)
PORTAL_MAX_DELAY_S = 300.0
ENTRIES: TypeAdapter[list[Entry]] = TypeAdapter(list[Entry])
HITS: TypeAdapter[list[Hit]] = TypeAdapter(list[Hit])


@dataclass
class Stages:
    """What the agents share: routing, stages, state adapters and the producer."""

    routing: Routing
    settings: Settings
    tables: dict[str, Any]
    sender: Sender
    processor: IngestProcessor
    prepared: PreparedBatch  # each batch read, and its copies derived, in a worker thread (the processor's read)
    served: ServedDelivery
    served_state: TableServedState
    client: ChannelClient
    lanes: LaneRunner


def _origin(event: Any) -> Origin:
    message = event.message
    return Origin(message.topic, message.partition, message.offset)


def wire_agents(app: faust.App, stages: Stages) -> None:
    settings, catalogue = stages.settings, stages.routing.catalogue
    batch, within = settings.batch_size, settings.batch_within_ms / 1000
    ingest_state = TableIngestState(stages.tables["seen"], stages.tables["correlation"])

    def topic(name: str) -> Any:
        return app.topic(name, key_serializer="raw", value_serializer="raw", allow_empty=True)

    async def ack_all(stream: Any, events: list[Any]) -> None:
        for event in events:
            await stream.ack(event)

    async def ingest(stream: Any) -> None:
        journal = open_journal()
        async for events in stream.noack_take(batch, within=within):
            await stages.prepared.prepare([(event.value or b"", record_headers(event.message.headers))
                                           for event in events])
            outs: list[Out] = []
            for event in events:
                bind(event)
                outs += stages.processor.process(event.value or b"", event.key, record_headers(event.message.headers),
                                                 _origin(event), ingest_state)
            await stages.sender.send_until_written([*outs, *drain(journal)])
            await ack_all(stream, events)

    for spec in dict.fromkeys(INGEST_BY_STANDARD.values()):  # one agent per ingest topic (standards may share one)
        app.agent(topic(catalogue.name(spec)), concurrency=1, name=f"ingest-{spec.name}")(ingest)

    async def deliver(stream: Any) -> None:
        journal = open_journal()
        async for events in stream.noack_take(batch, within=within):
            outs: list[Out] = []
            done: list[Any] = []
            for event in events:
                bind(event)
                copy = await _serve(stages, stream, event, outs)
                if copy is None:
                    done.append(event)
            await stages.sender.send_until_written([*outs, *drain(journal)])
            await ack_all(stream, done)

    app.agent(topic(catalogue.delivery), concurrency=1, name="deliver")(deliver)

    async def retry(stream: Any) -> None:
        async for events in stream.noack_take(batch, within=within):
            for event in events:
                state = from_headers(record_headers(event.message.headers), DELIVERY_HEADER, Attempt)
                if state is None:
                    log.warning("retry record without delivery state at %s ignored", _origin(event).label)
                    await stream.ack(event)
                    continue
                envelope = from_headers(record_headers(event.message.headers), ENVELOPE_HEADER, Envelope)
                await stages.lanes.submit(_copy(stream, event, envelope, state, from_retry=True))

    app.agent(topic(catalogue.delivery_retry), concurrency=1, name="delivery-retry")(retry)

    async def acknowledge(stream: Any) -> None:
        journal = open_journal()
        async for events in stream.noack_take(batch, within=within):
            outs: list[Out] = []
            for event in events:
                bind(event)
                outs += stages.served.acknowledge(stages.served_state, (event.key or b"").decode(),
                                                  (event.value or b"").decode(), _origin(event))
            await stages.sender.send_until_written([*outs, *drain(journal)])
            await ack_all(stream, events)

    app.agent(topic(catalogue.inbox_acks), concurrency=1, name="inbox-acks")(acknowledge)

    cases = Strings(stages.tables["cases"])
    wording = labels()
    push = stages.client.portal_configured

    async def timeline(stream: Any) -> None:
        journal = open_journal()
        async for events in stream.noack_take(batch, within=within):
            by_case: dict[str, list[tuple[Any, StatusEvent]]] = defaultdict(list)
            for event in events:
                status = StatusEvent.model_validate_json(event.value)
                by_case[status.case_id].append((event, status))
            outs: list[Out] = []
            for case_id, items in by_case.items():
                bind(items[-1][0])
                before = _entries(cases.get(case_id))
                updated, new = apply(before, [s for _e, s in items], wording.of_entry)
                if updated != before:
                    cases.put(case_id, ENTRIES.dump_json(updated).decode())
                for _seq, _entry, status in new:  # counted once per step, however often its event arrived
                    count_stage(status.standard, status.message_type, status.status.value)
                for outcome in delivery_outcomes(updated, new):
                    delivery_outcome(outcome.recipient, outcome.channel, outcome.outcome)
                    if outcome.seconds is not None:
                        observe_end_to_end(outcome.standard, outcome.seconds)
                if push:
                    outs += [Out(catalogue.portal, case_id.encode(),
                                 PortalPush(case_id=case_id, seq=seq, entry=entry).model_dump_json().encode())
                             for seq, entry, _status in new]
            await stages.sender.send_until_written([*outs, *drain(journal)])
            await ack_all(stream, events)

    app.agent(topic(catalogue.status), concurrency=1, name="case-timeline")(timeline)

    references = Strings(stages.tables["references"])

    async def index(stream: Any) -> None:
        journal = open_journal()
        async for events in stream.noack_take(batch, within=within):
            for event in events:
                bind(event)
                key = (event.key or b"").decode()
                hits = HITS.validate_json(references.get(key) or "[]")
                updated = merge(hits, Hit.model_validate_json(event.value or b"{}"))
                if updated is not None:
                    references.put(key, HITS.dump_json(updated).decode())
            await stages.sender.send_until_written(drain(journal))
            await ack_all(stream, events)

    app.agent(topic(catalogue.references), concurrency=1, name="references")(index)

    if push:
        async def portal(stream: Any) -> None:
            async for event in stream.events():  # strictly one after the other: pushes of a case stay in order
                body = event.value or b""
                pushed = PortalPush.model_validate_json(body)
                await _push_until_accepted(stages.client, body, pushed)

        app.agent(topic(catalogue.portal), concurrency=1, name="portal-push")(portal)


async def _serve(stages: Stages, stream: Any, event: Any, outs: list[Out]) -> Copy | None:
    """One record of the delivery stream; a copy handed to a lane (to be acknowledged there), or None."""
    headers = record_headers(event.message.headers)
    envelope = from_headers(headers, ENVELOPE_HEADER, Envelope)
    recipient = (event.key or b"").decode()
    authority = stages.routing.directory.authority(recipient)
    origin = _origin(event)
    replay = header(headers, REPLAY_DELIVERY_HEADER) is not None
    if envelope is None or authority is None:
        log.warning("delivery record at %s without envelope or for an unknown recipient; not delivered",
                    origin.label)
        return None
    channel = authority.delivery
    if isinstance(channel, InboxChannel):
        offered = stages.served.offer(stages.served_state, recipient, envelope, origin, replay=replay)
        if offered:
            log_events.delivery_attempt(case_id=envelope.case_id, message_id=envelope.message_id,
                                    standard=envelope.standard, recipient=recipient, channel="inbox", attempt=1,
                                    delivered=True)
        outs += offered
        return None
    if isinstance(channel, KafkaChannel):  # the recipient reads Kafka itself now: its own topic is its channel
        outs.append(Out(stages.routing.catalogue.kafka_outbound(envelope.standard, recipient),
                        envelope.case_id.encode(), event.value or b"", [to_header(ENVELOPE_HEADER, envelope)]))
        outs.append(stages.served.step(envelope.case_id, envelope.message_id, envelope.standard, recipient,
                                       Status.DELIVERED, message_type=envelope.message_type, origin=origin.label,
                                       channel="kafka"))
        log_events.delivery_attempt(case_id=envelope.case_id, message_id=envelope.message_id,
                                    standard=envelope.standard, recipient=recipient, channel="kafka", attempt=1,
                                    delivered=True)
        return None
    copy = _copy(stream, event, envelope, Attempt.first(envelope, recipient, origin, replay=replay),
                 from_retry=False)
    await stages.lanes.submit(copy)
    return copy


def _copy(stream: Any, event: Any, envelope: Envelope | None, attempt: Attempt, *, from_retry: bool) -> Copy:
    async def settle() -> None:
        await stream.ack(event)

    return Copy(payload=event.value or b"", envelope=envelope, attempt=attempt, from_retry=from_retry,
                bind=lambda: bind(event), settle=settle, origin=_origin(event))


async def _push_until_accepted(client: ChannelClient, body: bytes, pushed: PortalPush,
                               sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """Push one step to the portal, retrying with growing delays until it answers 2xx: later steps wait."""
    delay = 1.0
    failures = 0
    while True:
        error = await client.push(body, pushed.case_id, pushed.push_id)
        if error is None:
            return
        failures += 1
        log_events.portal_push_failed(case_id=pushed.case_id, attempt=failures, reason=reason_code(error))
        await sleep(delay)
        delay = min(delay * 2, PORTAL_MAX_DELAY_S)


def _entries(raw: str | None) -> list[Entry]:
    return ENTRIES.validate_json(raw) if raw else []

