"""Reading cases over the JSON API: the timeline (operators and systems), the citizen's view, and the search by
reference.

A case and its timeline live with the worker owning the case id's partition, a reference with the one owning the
reference's; any worker forwards a request there. What a token sees is decided in `hub.app.case_reads` (and
`hub.cases.access`), which the counter page shares.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web as aioweb
from faust.exceptions import SameNode
from faust.web import Request, Response, View
from yarl import URL

from hub.app.auth import authenticate
from hub.app.case_reads import STARTING, CaseReads, Entry, OwnerCheck, Refusal, reference_key
from hub.app.problems import problem
from hub.app.web import is_ready
from hub.auth.tokens import Grant
from hub.cases.labels import labels

if TYPE_CHECKING:
    from hub.app.factory import HubApp


def refused(refusal: Refusal) -> Response:
    """The problem document of a refused read."""
    return problem(refusal.status, refusal.code, HTTPStatus(refusal.status).phrase, refusal.detail,
                   case_id=refusal.case_id)


def case_reads(hub_app: HubApp) -> CaseReads:
    """The case reads of this worker's tables, as every case view and the counter page use them."""
    return CaseReads(hub_app.app, hub_app.tables["cases"], hub_app.tables["references"],
                     hub_app.stages.routing.directory, labels())


def bearer_check(app: Any, request: Request) -> OwnerCheck:
    """Asks a case's owner with the caller's own bearer token whether the caller may read the case."""
    headers = {"Authorization": cast(aioweb.Request, request).headers.get("Authorization", "")}

    async def ask(owner: URL, case_id: str) -> bool:
        async with app.http_client.get(owner.with_path(f"/api/v1/cases/{case_id}"), headers=headers) as answer:
            return bool(answer.status == 200)

    return ask


def register_case_views(hub_app: HubApp) -> None:
    app, tokens = hub_app.app, hub_app.tokens
    reads = case_reads(hub_app)

    async def routed(view: View, request: Request, table: Any, key: str) -> Response | None:
        """Forward to the key's owner; None when this worker owns it."""
        if not is_ready(app):
            return refused(STARTING)
        try:
            return await app.router.route_req(table.name, key.encode(), view.web, request)
        except SameNode:
            return None

    async def readable_entries(view: View, request: Request, case_id: str) -> list[Entry] | Response:
        grant = authenticate(request, tokens)
        if not isinstance(grant, Grant):
            return grant
        forwarded = await routed(view, request, reads.cases, case_id)
        if forwarded is not None:
            return forwarded
        entries = reads.entries(grant, case_id)
        return refused(entries) if isinstance(entries, Refusal) else entries

    @app.page("/api/v1/cases/{case_id}")
    class Case(View):
        """GET a case's timeline: every step with its time, and the recipient where one applies."""

        async def get(self, request: Request, case_id: str) -> Response:
            found = await readable_entries(self, request, case_id)
            if not isinstance(found, list):
                return found
            return self.json({"case_id": case_id, "timeline": found})

    @app.page("/api/v1/cases/{case_id}/status")
    class CaseStatus(View):
        """GET the case as the citizen reads it: procedure, status, date, authority, deadline, what to do, steps."""

        async def get(self, request: Request, case_id: str) -> Response:
            found = await readable_entries(self, request, case_id)
            if not isinstance(found, list):
                return found
            view = reads.citizen(case_id, found)
            return refused(view) if isinstance(view, Refusal) else self.json(view.model_dump(mode="json"))

    @app.page("/api/v1/cases")
    class CaseSearch(View):
        """GET `?ref=VALUE`: the cases the reference belongs to that this token may see."""

        async def get(self, request: Request) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            value = cast(aioweb.Request, request).query.get("ref", "")
            key = reference_key(value)
            if isinstance(key, Refusal):
                return refused(key)
            forwarded = await routed(self, request, reads.references, key)
            if forwarded is not None:
                return forwarded
            found = await reads.search(grant, key, bearer_check(app, request))
            if isinstance(found, Refusal):
                return refused(found)
            cases = [{"case_id": c, "matches": [{"kind": h.kind, "authority": h.authority} for h in hits]}
                     for c, hits in found.items()]
            return self.json({"ref": value, "cases": cases})
