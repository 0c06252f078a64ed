"""The counter page `/schalter`: front-desk staff find a case by the reference a citizen brings, read it as the
citizen view shows it, and print an A4 handout. Plain HTML forms, no script.

Only clerk tokens (`hub token add --clerk`) sign in: the page reads whole cases of the clerk's authorities, which
a system token (even an all-cases one, the portal's) is not meant for. The clerk enters the token once; the
session is a sealed cookie (`hub.auth.sessions`) that any worker verifies, so every worker's /schalter serves it
and forwards a case or a search to the worker owning it. What a clerk may read is decided in
`hub.app.case_reads`, as for the API. The login form and the logout form carry form tokens bound to a cookie.
"""

from __future__ import annotations

import time
import urllib.parse
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from aiohttp import web as aioweb
from faust.web import Request, Response, View
from yarl import URL

from hub.app.case_reads import MAX_REFERENCE, CaseReads, Refusal, reference_key
from hub.app.case_views import case_reads
from hub.app.counter_http import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    OwnerUnreachable,
    answer,
    as_faust,
    drop_cookie,
    from_owner,
    owner_says_readable,
    redirect,
    set_cookie,
)
from hub.app.web import is_ready
from hub.auth.sessions import FORM_LIFETIME_S, SESSION_LIFETIME_S, Sessions
from hub.auth.tokens import Grant
from hub.counter import render
from hub.counter.render import Clerk

if TYPE_CHECKING:
    from hub.app.factory import HubApp

LOCAL_TIME = ZoneInfo("Europe/Berlin")
MAX_FORM_BYTES = 4096
REFUSAL_TITLES = {400: "Ungültige Anfrage", 403: "Kein Zugriff", 404: "Nicht gefunden", 503: "Bitte gleich noch einmal"}
UNREACHABLE = Refusal(503, "hub.owner_unreachable", "Der zuständige Teil des Hubs antwortet gerade nicht; bitte "
                                                    "versuchen Sie es gleich noch einmal.")
STARTING = Refusal(503, "hub.starting", "Der Hub startet gerade; bitte versuchen Sie es gleich noch einmal.")


def register_counter_page(hub_app: HubApp) -> None:
    app, tokens, directory = hub_app.app, hub_app.tokens, hub_app.stages.routing.directory
    reads: CaseReads = case_reads(hub_app)
    sessions = Sessions(tokens, "schalter", admits=lambda g: g.clerk, clock=time.time)

    def name_of(key: str) -> str:
        found = directory.authority(key)
        return found.name if found else key

    def signed_in(request: aioweb.Request) -> tuple[Grant, Clerk] | None:
        value = request.cookies.get(SESSION_COOKIE)
        grant = sessions.verify(value)
        if grant is None or value is None:
            return None
        return grant, Clerk(grant.system, tuple(name_of(a) for a in grant.authorities), sessions.form_token(value))

    def refused(refusal: Refusal, clerk: Clerk | None) -> aioweb.Response:
        title = REFUSAL_TITLES.get(refusal.status, "Fehler")
        return answer(render.notice_page(title, refusal.detail, clerk=clerk), refusal.status)

    def login_form(request: aioweb.Request, status: int = 200, **words: str | None) -> aioweb.Response:
        nonce = sessions.login_nonce()
        page = render.login_page(sessions.login_token(nonce), SESSION_LIFETIME_S // 3600, **words)
        response = answer(page, status)
        set_cookie(response, request, LOGIN_COOKIE, nonce, FORM_LIFETIME_S)
        return response

    async def owned(request: aioweb.Request, table: Any, key: str) -> aioweb.Response | Refusal | None:
        """The owner's answer when another worker owns `key`, a refusal while unassigned, None when it is here."""
        if not is_ready(app):
            return STARTING
        try:
            owner = reads.owner(table, key)
        except KeyError:
            return STARTING
        if owner is None:
            return None
        try:
            return await from_owner(app.http_client, owner, request)
        except OwnerUnreachable:
            return UNREACHABLE

    def readable_case(grant: Grant, case_id: str) -> tuple[Any, list[Any]] | Refusal:
        entries = reads.entries(grant, case_id)
        if isinstance(entries, Refusal):
            return entries
        view = reads.citizen(case_id, entries)
        return view if isinstance(view, Refusal) else (view, entries)

    async def case_answer(request: Request, case_id: str, *, handout: bool) -> Response:
        http = cast(aioweb.Request, request)
        who = signed_in(http)
        if who is None:
            return as_faust(redirect("/schalter/anmelden"))
        grant, clerk = who
        there = await owned(http, reads.cases, case_id)
        if there is not None:
            return as_faust(refused(there, clerk) if isinstance(there, Refusal) else there)
        found = readable_case(grant, case_id)
        if isinstance(found, Refusal):
            return as_faust(refused(found, clerk))
        view, entries = found
        ref = http.query.get("ref", "")[:MAX_REFERENCE] or None
        number = render.file_number(entries)
        if not handout:
            return as_faust(answer(render.case_page(clerk, view, number, ref)))
        issuer = name_of(render.issuing_authority(grant.authorities, entries))
        today = datetime.now(LOCAL_TIME).date()
        return as_faust(answer(render.handout_page(view, issuer, today, number, ref)))

    @app.page("/schalter")
    class Counter(View):
        """GET the search form; with `?ref=VALUE` the cases found (one opens directly)."""

        async def get(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            who = signed_in(http)
            if who is None:
                return as_faust(redirect("/schalter/anmelden"))
            grant, clerk = who
            value = http.query.get("ref")
            if value is None:
                return as_faust(answer(render.search_page(clerk, "", MAX_REFERENCE)))
            key = reference_key(value)
            if isinstance(key, Refusal):
                page = render.search_page(clerk, value[:MAX_REFERENCE], MAX_REFERENCE, error=key.detail)
                return as_faust(answer(page, 400))
            there = await owned(http, reads.references, key)
            if there is not None:
                return as_faust(refused(there, clerk) if isinstance(there, Refusal) else there)
            session = http.cookies[SESSION_COOKIE]

            async def ask(owner: URL, case_id: str) -> bool:
                return await owner_says_readable(app.http_client, owner, case_id, session)

            found = await reads.search(grant, key, ask)
            if isinstance(found, Refusal):
                page = render.search_page(clerk, value, MAX_REFERENCE, error=render.NOT_FOUND)
                return as_faust(answer(page, found.status))
            if len(found) == 1:
                return as_faust(redirect(render.case_href(next(iter(found)), value)))
            results = [render.Result(c, render.case_href(c, value),
                                     tuple(render.found_as(h.kind, h.authority and name_of(h.authority))
                                           for h in hits))
                       for c, hits in found.items()]
            return as_faust(answer(render.search_page(clerk, value, MAX_REFERENCE, results=results)))

    @app.page("/schalter/anmelden")
    class Login(View):
        """GET the login form; POST it with the clerk token: a session cookie and on to the search."""

        async def get(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            notice = "Sie sind abgemeldet." if "abgemeldet" in http.query else None
            return as_faust(login_form(http, notice=notice))

        async def post(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            form = await small_form(http)
            if form is None or not sessions.login_ok(http.cookies.get(LOGIN_COOKIE), form.get("formular")):
                return as_faust(login_form(http, 400, error=render.FORM_EXPIRED))
            grant = tokens.authenticate(form.get("zugang", "").strip() or None)
            if grant is None:
                return as_faust(login_form(http, 401, error=render.UNKNOWN_ACCESS))
            if not grant.clerk:
                return as_faust(login_form(http, 403, error=render.NOT_A_CLERK))
            response = redirect("/schalter")
            set_cookie(response, http, SESSION_COOKIE, sessions.issue(grant), SESSION_LIFETIME_S)
            drop_cookie(response, http, LOGIN_COOKIE)
            return as_faust(response)

    @app.page("/schalter/abmelden")
    class Logout(View):
        """POST (with the form token of the page): the session cookie is removed."""

        async def post(self, request: Request) -> Response:
            http = cast(aioweb.Request, request)
            form = await small_form(http)
            if form is None or not sessions.form_ok(http.cookies.get(SESSION_COOKIE), form.get("formular")):
                page = render.notice_page("Abmelden nicht möglich", render.FORM_EXPIRED)
                return as_faust(answer(page, 400))
            response = redirect("/schalter/anmelden?abgemeldet")
            drop_cookie(response, http, SESSION_COOKIE)
            return as_faust(response)

    @app.page("/schalter/vorgang/{case_id}")
    class CounterCase(View):
        """GET a case as the citizen view shows it, with the link to its handout."""

        async def get(self, request: Request, case_id: str) -> Response:
            return await case_answer(request, case_id, handout=False)

    @app.page("/schalter/vorgang/{case_id}/druck")
    class CounterHandout(View):
        """GET the case's A4 handout for the citizen."""

        async def get(self, request: Request, case_id: str) -> Response:
            return await case_answer(request, case_id, handout=True)

    @app.page("/schalter/schalter.css")
    class Stylesheet(View):
        """GET the page's stylesheet (the policy allows no inline style)."""

        async def get(self, request: Request) -> Response:
            return as_faust(answer(render.STYLESHEET, content_type="text/css"))


async def small_form(request: aioweb.Request) -> dict[str, str] | None:
    """The fields of a urlencoded form of at most MAX_FORM_BYTES, or None for anything else."""
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    if request.content_length is None or request.content_length > MAX_FORM_BYTES:
        return None
    body = await request.read()  # no more than its Content-Length, checked above
    try:
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    except ValueError:
        return None
    return {name: values[0] for name, values in fields.items()}
