"""HTTP API on faust's web server: ingest XÖV messages, read case timelines, health and metrics."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web as aioweb
from aiokafka.errors import KafkaError
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from connectors.errors import ConnectorError
from connectors.reading import Reading
from hub import pipeline
from hub.app.auth import authenticate, forbidden
from hub.app.intake import Body, IntakeLimits, decide_or_park, receive
from hub.app.problems import closing, problem, rejected
from hub.auth.tokens import Grant
from hub.failure_log import log_failure
from hub.ingest.accept import Accepted, Refused
from hub.ingest.ordering import partition_of
from hub.ingest.processor import InternalError
from hub.ingest.state import Seen, message_key
from hub.logs import events
from monitoring.metrics import REGISTRY

if TYPE_CHECKING:
    from hub.app.factory import HubApp

log = logging.getLogger(__name__)


def is_ready(app: Any) -> bool:
    """The worker produces, owns its partitions and has recovered its tables."""
    producer = app.producer
    return bool(producer is not None and producer.started and not app.rebalancing
                and app.tables.recovery.completed.is_set())


def kafka_down(hub_app: HubApp) -> Response:
    since = hub_app.watch.down_since
    lasted = f" seit {hub_app.watch.clock() - since:.0f} s" if since is not None else ""
    return problem(503, "kafka.unavailable", "Service Unavailable",
                   f"Kafka antwortet nicht{lasted}; die Nachricht wurde nicht angenommen, bitte später erneut senden")


def read_or_error(data: bytes, max_bytes: int) -> Reading | ConnectorError:
    """The message read, or the connector error saying why not; any other failure becomes an internal error."""
    try:
        return pipeline.read(data, max_bytes=max_bytes)
    except ConnectorError as error:
        return error
    except Exception as exc:  # the API must answer (and park) whatever the input does to a connector
        log_failure(log, "reading a message", exc)
        return InternalError(f"der Hub ist an dieser Nachricht gescheitert ({type(exc).__name__})")


def register_views(hub_app: HubApp) -> None:
    app, tokens, settings, acceptor = hub_app.app, hub_app.tokens, hub_app.settings, hub_app.acceptor
    intake = IntakeLimits(max_message_bytes=settings.max_message_bytes, timeout_s=settings.body_timeout_s)
    seen_table = hub_app.tables["seen"]
    sender = hub_app.stages.sender
    catalogue = hub_app.stages.routing.catalogue
    seen_changelog = catalogue.changelog("seen")

    def local_seen(key: bytes, message_id: str) -> Seen | None:
        """What this worker knows of a message id, when it owns the ordering key's partition."""
        partition = partition_of(key, catalogue.partitions)
        owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == seen_changelog}
        if partition not in owned or not is_ready(app):
            return None
        raw = seen_table.get(message_key(message_id).encode())
        return Seen.model_validate_json(raw) if raw else None

    @app.page("/api/v1/messages")
    class Messages(View):
        """POST an XÖV message as application/xml: 202 once it is durable on Kafka, else problem+json."""

        async def post(self, request: Request) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            if not hub_app.watch.up:
                return kafka_down(hub_app)
            http = cast(aioweb.Request, request)  # faust's aiohttp driver hands over aiohttp's request
            received = await receive(http, intake)
            if not isinstance(received, Body):
                return received
            data = received.data
            reading: Reading | ConnectorError
            if received.refusal is not None:  # refused at the edge: parked without being read
                reading = received.refusal
            else:
                reading = await asyncio.to_thread(read_or_error, data, settings.max_message_bytes)
            outcome, outs = decide_or_park(acceptor, data, reading, sender=grant.acts_for, seen=local_seen,
                                           caller=next(iter(grant.authorities), None))
            try:
                await asyncio.wait_for(sender.send(outs), timeout=settings.kafka_write_timeout_s)
            except (TimeoutError, KafkaError):
                return problem(503, "kafka.unavailable", "Service Unavailable",
                               "Kafka hat die Nachricht nicht rechtzeitig bestätigt; bitte erneut senden "
                               "(eine doppelt gesendete Nachricht wird nur einmal zugestellt)")
            if isinstance(outcome, Accepted):
                body = {"message_id": outcome.message_id, "case_id": outcome.case_id}
                return self.json({**body, "duplicate": True} if outcome.duplicate else body, status=202)
            if isinstance(outcome, Refused):
                return forbidden(outcome.reason)
            events.parked(reason=outcome.code, stage="http", case_id=outcome.case_id, message_id=outcome.message_id)
            return closing(rejected(outcome)) if received.partial else rejected(outcome)

    @app.page("/")
    class Index(View):
        """GET /: the hub says nothing about itself without a token; operators go to /ops, clerks to /schalter."""

        async def get(self, request: Request) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            return self.json({"app": app.conf.id, "pages": ["/ops", "/schalter", "/api/v1/cases?ref=…"]})

    @app.page("/healthz")
    class Health(View):
        """GET: 200 while Kafka answers and the worker owns its partitions and has recovered its tables, else 503."""

        async def get(self, request: Request) -> Response:
            if not hub_app.watch.up:
                return self.json({"status": "kafka unreachable", "app": app.conf.id}, status=503)
            ready = is_ready(app)
            return self.json({"status": "ok" if ready else "starting", "app": app.conf.id},
                             status=200 if ready else 503)

    @app.page("/metrics")
    class Metrics(View):
        """GET: Prometheus text format: counters per standard, message type and stage, and Kafka's and this
        worker's state read at scrape time (the Kafka half in a thread, as it blocks)."""

        async def get(self, request: Request) -> Response:
            await asyncio.to_thread(hub_app.kafka_state.refresh)
            response = aioweb.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})
            return cast(Response, response)
