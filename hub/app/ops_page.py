"""The operator page `/ops`: what flowed in the last hour per standard, which recipients fail, what is parked and
why, how far the workers lag behind, and the steps of any case, for IT operators; in German, refreshed in place.

Who gets in is decided in `hub.app.ops_http` (operator grants only). Any worker serves the page: Kafka's figures are
cluster-wide (`hub.app.ops_kafka`), the lanes are gathered from every worker (`hub.app.ops_lanes`), and a search or
a case's steps are answered by the worker owning the reference or the case, to which the request is forwarded with
the caller's credentials, as the counter page does. A case's steps come from its timeline in the `cases` table.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web as aioweb
from faust.web import Request, Response, View

from hub.app.case_reads import MAX_REFERENCE
from hub.app.case_views import case_reads
from hub.app.counter_http import OwnerUnreachable, as_faust, drop_cookie, from_owner, redirect, set_cookie
from hub.app.counter_page import small_form
from hub.app.ops_http import (
    LOGIN_COOKIE,
    OPS_PATH,
    POLICY,
    SESSION_COOKIE,
    Denied,
    credentials,
    operator_of,
    page,
)
from hub.app.ops_kafka import KafkaFigures, ingest_topics
from hub.app.ops_lanes import LANES_PATH, every_worker, local_lanes
from hub.app.web import is_ready
from hub.auth.sessions import FORM_LIFETIME_S, SESSION_LIFETIME_S, Sessions
from hub.cases.references import normalise
from hub.cases.trace import timeline_trace
from hub.kafka.client_config import kafka_python_kwargs
from hub.kafka.offsets import KafkaOffsetReader
from hub.ops import render
from hub.ops.overview import overview
from hub.ops.render import Operator

if TYPE_CHECKING:
    from hub.app.factory import HubApp

STARTING = (503, "Bitte gleich noch einmal", "Der Hub startet oder verteilt seine Partitionen neu.")
UNREACHABLE = (503, "Bitte gleich noch einmal", "Der zuständige Worker antwortet gerade nicht.")


def register_ops_page(hub_app: HubApp) -> None:
    app, tokens, settings = hub_app.app, hub_app.tokens, hub_app.settings
    catalogue, directory = hub_app.stages.routing.catalogue, hub_app.stages.routing.directory
    reads, lanes_table, refresh_s = case_reads(hub_app), hub_app.tables["lanes"], settings.ops_refresh_s
    sessions = Sessions(tokens, "ops", admits=lambda g: g.operator, clock=time.time)
    reader = KafkaOffsetReader(hub_app.bootstrap, client=kafka_python_kwargs(settings))
    figures = KafkaFigures(reader, hub_app.kafka_state.refresh, ingest_topics(catalogue))

    async def close_reader() -> None:
        await asyncio.to_thread(reader.close)

    hub_app.closers.append(close_reader)

    def notice(status: int, title: str, detail: str, operator: Operator | None = None, *,
               headers: dict[str, str] | None = None) -> Response:
        return as_faust(page(render.notice_page(title, detail, operator=operator), status, headers=headers))

    def signed_in(request: aioweb.Request) -> Operator | Response:
        """The operator of the request, or the answer for anybody else: the login, 401 or 403."""
        found = operator_of(request, sessions, tokens)
        if isinstance(found, Denied):
            if found.status == 303:
                return as_faust(redirect(f"{OPS_PATH}/anmelden"))
            if found.status == 401:
                return notice(401, "Zugang unbekannt", render.UNKNOWN_ACCESS,
                              headers={"WWW-Authenticate": 'Bearer realm="municipal-hub"'})
            return notice(403, "Kein Zugriff", render.NOT_AN_OPERATOR)
        session = request.cookies.get(SESSION_COOKIE)
        form = sessions.form_token(session) if session and sessions.verify(session) else None
        return Operator(found.system, form)

    async def for_operators(request: Request, answer: Callable[[aioweb.Request, Operator], Awaitable[Response]]) \
            -> Response:
        http = cast(aioweb.Request, request)
        who = signed_in(http)
        return await answer(http, who) if isinstance(who, Operator) else who

    async def owned(request: aioweb.Request, table: Any, key: str, operator: Operator) -> Response | None:
        """The owner's answer when another worker owns `key`, a notice while unassigned, None when it is here."""
        if not is_ready(app):
            return notice(*STARTING, operator)
        try:
            owner = reads.owner(table, key)
        except KeyError:
            return notice(*STARTING, operator)
        if owner is None:
            return None
        try:
            return as_faust(await from_owner(app.http_client, owner, request, credentials=credentials(request),
                                             headers=POLICY))
        except OwnerUnreachable:
            return notice(*UNREACHABLE, operator)

    def login_form(request: aioweb.Request, status: int = 200, **words: str | None) -> Response:
        nonce = sessions.login_nonce()
        response = page(render.login_page(sessions.login_token(nonce), SESSION_LIFETIME_S // 3600, **words), status)
        set_cookie(response, request, LOGIN_COOKIE, nonce, FORM_LIFETIME_S, path=OPS_PATH)
        return as_faust(response)

    async def overview_page(http: aioweb.Request, operator: Operator) -> Response:
        kafka, reports = await asyncio.gather(figures.reading(), every_worker(app, lanes_table, credentials(http)))
        view = overview(datetime.now(UTC), kafka.state, kafka.flows, reports, catalogue.partitions, directory)
        return as_faust(page(render.overview_page(operator, view, refresh_s, MAX_REFERENCE)))

    async def lanes_report(http: aioweb.Request, operator: Operator) -> Response:
        return as_faust(page(local_lanes(app, lanes_table).model_dump_json(), content_type="application/json"))

    async def search_answer(http: aioweb.Request, operator: Operator) -> Response:
        value = http.query.get("q", "").strip()
        if not value or len(value) > MAX_REFERENCE:
            return notice(400, "Suchbegriff fehlt", f"Bitte einen Suchbegriff mit höchstens {MAX_REFERENCE} Zeichen "
                                                    "eingeben.", operator)
        key = normalise(value)
        there = await owned(http, reads.references, key, operator)
        if there is not None:
            return there
        links = render.case_links(value, reads.hits(key))
        if not links:  # no reference of that name: the value may be a case id itself
            return as_faust(redirect(render.case_href(value)))
        if len(links) == 1:
            return as_faust(redirect(links[0].href))
        return as_faust(page(render.cases_page(operator, value, links, MAX_REFERENCE)))

    async def case_answer(http: aioweb.Request, operator: Operator) -> Response:
        case_id = http.match_info["case_id"]
        there = await owned(http, reads.cases, case_id, operator)
        if there is not None:
            return there
        entries = reads.timeline(case_id)
        if not entries:
            return notice(404, "Nicht gefunden", f"Zu „{case_id}“ ist weder ein Vorgang noch eine Kennung bekannt.",
                          operator)
        message_id = http.query.get("nachricht", "")[:MAX_REFERENCE] or None
        lines = timeline_trace(case_id, entries, message_id)
        return as_faust(page(render.trace_page(operator, case_id, message_id, lines, datetime.now(UTC), refresh_s,
                                               MAX_REFERENCE)))

    @app.page(OPS_PATH)
    class Overview(View):
        """GET the overview: flows, failing recipients, parked records, lag, and the search."""

        async def get(self, request: Request) -> Response:
            return await for_operators(request, overview_page)

    @app.page(LANES_PATH)
    class Lanes(View):
        """GET this worker's lanes (hub.ops.overview.HeldLanes as JSON), for the overview of another worker."""

        async def get(self, request: Request) -> Response:
            return await for_operators(request, lanes_report)

    @app.page(f"{OPS_PATH}/suche")
    class Search(View):
        """GET ?q=VALUE: the steps of the one case a reference, message id or case id names, or the cases found."""

        async def get(self, request: Request) -> Response:
            return await for_operators(request, search_answer)

    @app.page(f"{OPS_PATH}/vorgang/{{case_id}}")
    class Case(View):
        """GET the steps of a case (`?nachricht=ID`: of one of its messages), as `hub trace` shows them."""

        async def get(self, request: Request, case_id: str) -> Response:
            return await for_operators(request, case_answer)

    @app.page(f"{OPS_PATH}/anmelden")
    class Login(View):
        """GET the login form; POST it with an operator token: a session cookie and on to the overview."""

        async def get(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            return login_form(http, notice="Sie sind abgemeldet." if "abgemeldet" in http.query else None)

        async def post(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            form = await small_form(http)
            if form is None or not sessions.login_ok(http.cookies.get(LOGIN_COOKIE), form.get("formular")):
                return login_form(http, 400, error=render.FORM_EXPIRED)
            grant = tokens.authenticate(form.get("zugang", "").strip() or None)
            if grant is None:
                return login_form(http, 401, error=render.UNKNOWN_ACCESS)
            if not grant.operator:
                return login_form(http, 403, error=render.NOT_AN_OPERATOR)
            response = redirect(OPS_PATH)
            set_cookie(response, http, SESSION_COOKIE, sessions.issue(grant), SESSION_LIFETIME_S, path=OPS_PATH)
            drop_cookie(response, http, LOGIN_COOKIE, path=OPS_PATH)
            return as_faust(response)

    @app.page(f"{OPS_PATH}/abmelden")
    class Logout(View):
        """POST (with the form token of the page): the session cookie is removed."""

        async def post(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            form = await small_form(http)
            if form is None or not sessions.form_ok(http.cookies.get(SESSION_COOKIE), form.get("formular")):
                return notice(400, "Abmelden nicht möglich", render.FORM_EXPIRED)
            response = redirect(f"{OPS_PATH}/anmelden?abgemeldet")
            drop_cookie(response, http, SESSION_COOKIE, path=OPS_PATH)
            return as_faust(response)

    @app.page(f"{OPS_PATH}/ops.css")
    class Stylesheet(View):
        """GET the page's stylesheet (the policy allows no inline style)."""

        async def get(self, request: Request) -> Response:
            return as_faust(page(render.STYLESHEET, content_type="text/css"))

    @app.page(f"{OPS_PATH}/ops.js")
    class Script(View):
        """GET the script that refreshes the figures in place (the policy allows no inline script)."""

        async def get(self, request: Request) -> Response:
            return as_faust(page(render.SCRIPT, content_type="text/javascript"))
