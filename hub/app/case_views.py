"""Reading cases: the timeline (operators and systems), the citizen's view, and the search by reference.

A case and its timeline live with the worker owning the case id's partition, a reference with the one owning the
reference's; any worker forwards a request there. What a token sees of a case is decided in `hub.cases.access`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web as aioweb
from faust.exceptions import SameNode
from faust.web import Request, Response, View

from hub.app.auth import authenticate, forbidden
from hub.app.problems import problem
from hub.app.web import is_ready
from hub.auth.tokens import Grant
from hub.cases.access import readable
from hub.cases.citizen import citizen_view
from hub.cases.labels import labels
from hub.cases.references import Hit, normalise

if TYPE_CHECKING:
    from hub.app.factory import HubApp

MAX_REFERENCE = 200


def register_case_views(hub_app: HubApp) -> None:
    app, tokens = hub_app.app, hub_app.tokens
    cases, references = hub_app.tables["cases"], hub_app.tables["references"]
    directory = hub_app.stages.routing.directory
    wording = labels()

    def case_of(grant: Grant, case_id: str) -> list[Mapping[str, Any]] | Response:
        """The entries of the case this grant may read, or the problem to answer with."""
        raw = cases.data.get(case_id.encode())
        timeline: list[dict[str, Any]] = json.loads(raw) if raw else []
        if not timeline:
            return problem(404, "case.not_found", "Not Found", f"der Vorgang {case_id} ist dem Hub nicht bekannt",
                           case_id=case_id)
        entries = readable(timeline, grant.acts_for, all_cases=grant.all_cases, clerk=grant.clerk)
        if not entries:
            return forbidden(f"der Vorgang {case_id} betrifft keine Behörde, für die dieser Zugang handelt")
        return entries

    async def may_read(grant: Grant, case_id: str, request: Request) -> bool:
        """Whether the grant may read anything of the case: decided by its owner, as for reading the case."""
        try:
            owner = app.router.key_store(cases.name, case_id.encode())
        except KeyError:
            return False
        if (owner.host, owner.port) != (app.conf.canonical_url.host, app.conf.canonical_url.port):
            headers = {"Authorization": cast(aioweb.Request, request).headers.get("Authorization", "")}
            async with app.http_client.get(owner.with_path(f"/api/v1/cases/{case_id}"), headers=headers) as answer:
                return answer.status == 200
        entries = case_of(grant, case_id)
        return isinstance(entries, list)

    async def routed_to_case(view: View, request: Request, case_id: str) -> Response | None:
        """Forward to the case's owner; None when this worker owns it."""
        if not is_ready(app):
            return problem(503, "hub.starting", "Service Unavailable",
                           "der Hub startet oder verteilt seine Partitionen neu; bitte gleich noch einmal")
        try:
            return await app.router.route_req(cases.name, case_id.encode(), view.web, request)
        except SameNode:
            return None

    @app.page("/api/v1/cases/{case_id}")
    class Case(View):
        """GET a case's timeline: every step with its time, and the recipient where one applies."""

        async def get(self, request: Request, case_id: str) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            forwarded = await routed_to_case(self, request, case_id)
            if forwarded is not None:
                return forwarded
            entries = case_of(grant, case_id)
            if not isinstance(entries, list):
                return entries
            return self.json({"case_id": case_id, "timeline": entries})

    @app.page("/api/v1/cases/{case_id}/status")
    class CaseStatus(View):
        """GET the case as the citizen reads it: procedure, status, date, authority, deadline, what to do, steps."""

        async def get(self, request: Request, case_id: str) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            forwarded = await routed_to_case(self, request, case_id)
            if forwarded is not None:
                return forwarded
            entries = case_of(grant, case_id)
            if not isinstance(entries, list):
                return entries
            view = citizen_view(case_id, entries, directory, wording)
            if view is None:
                return problem(404, "case.no_status", "Not Found",
                               f"der Vorgang {case_id} hat noch keinen Schritt, den Bürgerinnen und Bürger sehen")
            return self.json(view.model_dump(mode="json"))

    @app.page("/api/v1/cases")
    class CaseSearch(View):
        """GET `?ref=VALUE`: the cases the reference belongs to that this token may see."""

        async def get(self, request: Request) -> Response:
            grant = authenticate(request, tokens)
            if not isinstance(grant, Grant):
                return grant
            value = cast(aioweb.Request, request).query.get("ref", "")
            if not value.strip() or len(value) > MAX_REFERENCE:
                return problem(400, "search.no_reference", "Bad Request",
                               f"Suchbegriff fehlt oder ist länger als {MAX_REFERENCE} Zeichen: ?ref=<Aktenzeichen, "
                               "Referenz, Nachrichten-ID, …>")
            key = normalise(value)
            try:
                return await app.router.route_req(references.name, key.encode(), self.web, request)
            except SameNode:
                pass
            raw = references.data.get(key.encode())
            hits = [Hit.model_validate(h) for h in json.loads(raw)] if raw else []
            readable_cases = {c for c in {h.case_id for h in hits} if await may_read(grant, c, request)}
            found = [h for h in hits if h.case_id in readable_cases]
            if not found:
                return problem(404, "search.not_found", "Not Found",
                               "zu diesem Suchbegriff ist kein Vorgang bekannt, den dieser Zugang sehen darf")
            matches: dict[str, list[dict[str, str | None]]] = {}
            for hit in found:
                matches.setdefault(hit.case_id, []).append({"kind": hit.kind, "authority": hit.authority})
            return self.json({"ref": value, "cases": [{"case_id": c, "matches": m} for c, m in matches.items()]})
