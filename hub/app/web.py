"""HTTP API on faust's web server: ingest XÖV messages, read case timelines, health and metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from aiohttp import web as aioweb
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hub.app.auth import authenticate, forbidden
from hub.app.problems import problem
from hub.auth.tokens import Grant
from hub.pipeline import Rejection
from hub.service import Accepted, Refused
from monitoring.metrics import REGISTRY

if TYPE_CHECKING:
    from hub.app.factory import HubApp

XML_TYPES = ("application/xml", "text/xml")


def is_ready(app: Any) -> bool:
    """The worker produces, owns its partitions and has recovered the case table."""
    producer = app.producer
    return bool(producer is not None and producer.started and not app.rebalancing
                and app.tables.recovery.completed.is_set())


def _is_xml(content_type: str) -> bool:
    return content_type in XML_TYPES or (content_type.startswith("application/") and content_type.endswith("+xml"))


def register_views(hub_app: HubApp) -> None:
    app, hub, cases, tokens = hub_app.app, hub_app.hub, hub_app.cases, hub_app.tokens

    @app.page("/api/v1/messages")
    class Messages(View):
        """POST an XÖV message as application/xml: 202 once it is durable on Kafka, else problem+json."""

        async def post(self, request: Request) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            http = cast(aioweb.Request, request)  # faust's aiohttp driver hands over aiohttp's request
            if not _is_xml(http.content_type):
                return problem(415, "http.unsupported_media_type", "Unsupported Media Type",
                               f"send the XÖV message as application/xml, not {http.content_type or 'nothing'}")
            try:
                data = await http.read()
            except aioweb.HTTPRequestEntityTooLarge:
                return problem(413, "message.too_large", "Payload Too Large",
                               f"the body exceeds twice the limit of {hub.max_bytes} bytes and was not stored")
            outcome = await hub.accept(data, sender=grant.acts_for)
            if isinstance(outcome, Accepted):
                body = {"message_id": outcome.message_id, "case_id": outcome.case_id}
                return self.json({**body, "duplicate": True} if outcome.duplicate else body, status=202)
            if isinstance(outcome, Refused):
                return forbidden(outcome.reason)
            return _rejected(outcome)

    @app.page("/api/v1/cases/{case_id}")
    class Cases(View):
        """GET a case's timeline: every status with its time, and the recipient where one applies."""

        async def get(self, request: Request, case_id: str) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            if not is_ready(app):
                return problem(503, "hub.starting", "Service Unavailable",
                               "the hub is starting or rebalancing its partitions; retry shortly")
            # faust's table_route forwards keyword arguments, but its stubs declare (view, request) only
            response: Response = await self.routed(request, case_id=case_id)  # type: ignore[call-arg]
            return response

        @app.table_route(table=cases, match_info="case_id")  # type: ignore[arg-type]  # see above
        async def routed(self, request: Request, case_id: str) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            timeline = cases.get(case_id.encode())
            if not timeline:
                return problem(404, "case.not_found", "Not Found", f"no case {case_id} is known to the hub",
                               case_id=case_id)
            involved = {e.get("author") for e in timeline} | {e.get("recipient") for e in timeline}
            if not grant.all_cases and not any(grant.acts_for(a) for a in involved if a):
                return forbidden(f"case {case_id} involves none of the authorities this token acts for")
            return self.json({"case_id": case_id, "timeline": list(timeline)})

    @app.page("/healthz")
    class Health(View):
        """GET: 200 once the worker owns its partitions and has recovered its tables, 503 before."""

        async def get(self, request: Request) -> Response:
            ready = is_ready(app)
            return self.json({"status": "ok" if ready else "starting", "app": app.conf.id},
                             status=200 if ready else 503)

    @app.page("/metrics")
    class Metrics(View):
        """GET: Prometheus text format, counters per standard, message type and stage."""

        async def get(self, request: Request) -> Response:
            response = aioweb.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})
            return cast(Response, response)


def _rejected(outcome: Rejection) -> Response:
    return problem(outcome.http_status, outcome.code, "Message rejected", outcome.reason, field=outcome.field,
                   case_id=outcome.case_id, message_id=outcome.message_id, errors=outcome.problems())
