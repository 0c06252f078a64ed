"""Pull inbox API: list waiting messages, fetch one as XML, acknowledge it (then it is never offered again)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from aiohttp import web as aioweb
from faust.web import Request, Response, View

from hub.app.auth import authenticate, forbidden
from hub.app.problems import problem
from hub.auth.tokens import Grant
from hub.inbox.state import Inbox

if TYPE_CHECKING:
    from hub.app.factory import HubApp


def register_inbox_views(hub_app: HubApp) -> None:
    app, tokens, inboxes = hub_app.app, hub_app.tokens, hub_app.inboxes
    directory = hub_app.hub.routing.directory

    def authorised(request: Request, authority: str) -> Grant | Response:
        grant = authenticate(request, tokens)
        if not isinstance(grant, Grant):
            return grant
        if not grant.acts_for(authority):
            return forbidden(f"this token does not read for {authority}")
        entry = directory.authority(authority)
        if entry is None or entry.delivery is None or entry.delivery.channel != "inbox":
            return problem(404, "inbox.not_found", "Not Found", f"{authority} has no pull inbox")
        return grant

    def inbox_of(authority: str) -> Inbox:
        return Inbox.model_validate(inboxes.get(authority.encode(), {}))

    @app.page("/api/v1/inbox/{authority}")
    class InboxList(View):
        """GET the messages waiting for `authority`: ids and kind, oldest first."""

        async def get(self, request: Request, authority: str) -> Response:
            grant = authorised(request, authority)
            if not isinstance(grant, Grant):
                return grant
            waiting = [w.listing() for w in inbox_of(authority).waiting]
            return self.json({"authority": authority, "waiting": waiting})

    @app.page("/api/v1/inbox/{authority}/{message_id}")
    class InboxMessage(View):
        """GET one waiting message as the XML the recipient is entitled to."""

        async def get(self, request: Request, authority: str, message_id: str) -> Response:
            grant = authorised(request, authority)
            if not isinstance(grant, Grant):
                return grant
            entry = inbox_of(authority).find(message_id)
            if entry is None:
                return problem(404, "inbox.message_not_found", "Not Found",
                               f"message {message_id} is not waiting for {authority}")
            return cast(Response, aioweb.Response(body=entry.payload, content_type="application/xml"))

    @app.page("/api/v1/inbox/{authority}/{message_id}/ack")
    class InboxAck(View):
        """POST to acknowledge a message: it leaves the inbox for good; 202 once the acknowledgement is durable."""

        async def post(self, request: Request, authority: str, message_id: str) -> Response:
            grant = authorised(request, authority)
            if not isinstance(grant, Grant):
                return grant
            inbox = inbox_of(authority)
            if message_id in inbox.acknowledged:
                return self.json({"message_id": message_id, "acknowledged": True})
            if inbox.find(message_id) is None:
                return problem(404, "inbox.message_not_found", "Not Found",
                               f"message {message_id} is not waiting for {authority}")
            await hub_app.hub.send(hub_app.hub.catalogue.inbox_acks, authority.encode(), message_id.encode(), [])
            return self.json({"message_id": message_id, "acknowledged": True}, status=202)
