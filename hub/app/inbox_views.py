"""Pull inbox API: list waiting messages page by page, fetch one as XML, acknowledge it (it is never offered again).

Every request is answered by the worker that owns the authority's partition; others forward it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from aiohttp import web as aioweb
from faust.web import Request, Response, View

from hub.app.auth import authenticate, forbidden
from hub.app.fetch import RecordFetcher, RecordGone
from hub.app.problems import problem
from hub.auth.tokens import Grant
from hub.delivery.channels import InboxChannel
from hub.inbox import state as inbox
from hub.ingest.records import Out
from hub.kafka.client_config import aiokafka_kwargs
from topics.envelope import Status

if TYPE_CHECKING:
    from hub.app.factory import HubApp

DEFAULT_PAGE = 100
MAX_PAGE = 1000


def register_inbox_views(hub_app: HubApp) -> None:
    app, tokens = hub_app.app, hub_app.tokens
    table = hub_app.tables["inbox"]
    store = hub_app.stages.served_state.inbox
    directory = hub_app.stages.routing.directory
    catalogue = hub_app.stages.routing.catalogue
    fetcher = RecordFetcher(hub_app.bootstrap, catalogue.delivery, aiokafka_kwargs(hub_app.settings))
    hub_app.closers.append(fetcher.close)

    def authorised(request: Request, authority: str) -> Grant | Response:
        grant = authenticate(request, tokens)
        if not isinstance(grant, Grant):
            return grant
        if not grant.acts_for(authority):
            return forbidden(f"dieser Token liest nicht für {authority}")
        entry = directory.authority(authority)
        if entry is None or not isinstance(entry.delivery, InboxChannel):
            return problem(404, "inbox.not_found", "Not Found", f"{authority} hat keinen Posteingang beim Hub")
        return grant

    @app.page("/api/v1/inbox/{authority}")
    class InboxList(View):
        """GET the messages waiting for `authority`, oldest first: `?limit=` (≤ 1000) and `?after=` the cursor the
        previous page returned as `next`."""

        async def get(self, request: Request, authority: str) -> Response:
            grant = authorised(request, authority)
            if not isinstance(grant, Grant):
                return grant
            response: Response = await self.routed(request, authority=authority)  # type: ignore[call-arg]
            return response

        @app.table_route(table=table, match_info="authority")  # type: ignore[arg-type]
        async def routed(self, request: Request, authority: str) -> Response:
            query = cast(aioweb.Request, request).query
            try:
                limit = min(max(int(query.get("limit", DEFAULT_PAGE)), 1), MAX_PAGE)
            except ValueError:
                return problem(400, "http.bad_query", "Bad Request", "limit muss eine Zahl sein")
            waiting, cursor = inbox.page(store, authority, query.get("after"), limit)
            return self.json({"authority": authority, "waiting": [w.listing() for w in waiting], "next": cursor})

    @app.page("/api/v1/inbox/{authority}/{message_id}")
    class InboxMessage(View):
        """GET one waiting message as the XML the recipient is entitled to."""

        async def get(self, request: Request, authority: str, message_id: str) -> Response:
            grant = authorised(request, authority)
            if not isinstance(grant, Grant):
                return grant
            response: Response = await self.routed(request, authority=authority,  # type: ignore[call-arg]
                                                   message_id=message_id)
            return response

        @app.table_route(table=table, match_info="authority")  # type: ignore[arg-type]
        async def routed(self, request: Request, authority: str, message_id: str) -> Response:
            entry = inbox.find(store, authority, message_id)
            if entry is None:
                return problem(404, "inbox.message_not_found", "Not Found",
                               f"die Nachricht {message_id} wartet nicht auf {authority}")
            try:
                payload = await fetcher.fetch(entry.partition, entry.offset)
            except RecordGone:
                return problem(410, "inbox.message_expired", "Gone",
                               f"die Nachricht {message_id} ist nicht mehr vorhanden (Aufbewahrungsfrist)")
            return cast(Response, aioweb.Response(body=payload, content_type="application/xml"))

    @app.page("/api/v1/inbox/{authority}/{message_id}/ack")
    class InboxAck(View):
        """POST to acknowledge a message: it leaves the inbox for good; 202 once the acknowledgement is durable."""

        async def post(self, request: Request, authority: str, message_id: str) -> Response:
            grant = authorised(request, authority)
            if not isinstance(grant, Grant):
                return grant
            response: Response = await self.routed(request, authority=authority,  # type: ignore[call-arg]
                                                   message_id=message_id)
            return response

        @app.table_route(table=table, match_info="authority")  # type: ignore[arg-type]
        async def routed(self, request: Request, authority: str, message_id: str) -> Response:
            if inbox.find(store, authority, message_id) is None:
                if hub_app.stages.served_state.given_as(authority, message_id) == Status.ACCEPTED.value:
                    return self.json({"message_id": message_id, "acknowledged": True})
                return problem(404, "inbox.message_not_found", "Not Found",
                               f"die Nachricht {message_id} wartet nicht auf {authority}")
            await hub_app.stages.sender.send([Out(catalogue.inbox_acks, authority.encode(), message_id.encode())])
            return self.json({"message_id": message_id, "acknowledged": True}, status=202)
