"""Who gets the operator page: an operator's session or bearer token; everyone else is sent to the login (no
credentials), refused with 401 (unknown token) or 403 (a clerk's or a system's token, even an all-cases one)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from hub.app.ops_http import POLICY, SESSION_COOKIE, Denied, credentials, operator_of, page
from hub.auth.sessions import Sessions
from hub.auth.tokens import Grant, TokenStore, digest

NOW = 1_790_000_000.0
OPERATOR = Grant(system="IT-Betrieb", sha256=digest("operator-token"), operator=True)
CLERK = Grant(system="Bürgerbüro Bensheim", sha256=digest("clerk-token"), authorities=("gba:06431002",), clerk=True)
SYSTEM = Grant(system="Gewerbeamt Bensheim", sha256=digest("system-token"), authorities=("MELDID:06431002",))
PORTAL = Grant(system="Bauportal", sha256=digest("portal-token"), authorities=("bap:06000000",), all_cases=True)
TOKENS = TokenStore([OPERATOR, CLERK, SYSTEM, PORTAL])


def ops_sessions() -> Sessions:
    return Sessions(TOKENS, "ops", admits=lambda g: g.operator, clock=lambda: NOW)


def request(*, bearer: str | None = None, cookie: str | None = None) -> object:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    if cookie is not None:
        headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    return make_mocked_request("GET", "/ops", headers=headers)


def test_without_an_operator_grant_the_page_is_refused() -> None:
    sessions = ops_sessions()
    assert operator_of(request(), sessions, TOKENS) == Denied(303)  # to the login
    assert operator_of(request(bearer="no-such-token"), sessions, TOKENS) == Denied(401)
    for token in ("clerk-token", "system-token", "portal-token"):
        assert operator_of(request(bearer=token), sessions, TOKENS) == Denied(403), token
    clerk_session = Sessions(TOKENS, "schalter", admits=lambda g: g.clerk, clock=lambda: NOW).issue(CLERK)
    assert operator_of(request(cookie=clerk_session), sessions, TOKENS) == Denied(303)  # another purpose's key
    assert operator_of(request(cookie="forged.1790000100.abc"), sessions, TOKENS) == Denied(303)
    with pytest.raises(ValueError, match="may not open a session"):
        sessions.issue(CLERK)


def test_an_operator_gets_in_by_session_or_by_bearer_token() -> None:
    sessions = ops_sessions()
    assert operator_of(request(cookie=sessions.issue(OPERATOR)), sessions, TOKENS) == OPERATOR
    assert operator_of(request(bearer="operator-token"), sessions, TOKENS) == OPERATOR
    # a stale cookie beside a valid bearer still gets in, by the bearer
    assert operator_of(request(bearer="operator-token", cookie="stale"), sessions, TOKENS) == OPERATOR


def test_another_worker_is_asked_with_the_callers_own_credentials_only() -> None:
    both = make_mocked_request("GET", "/ops", headers={"Authorization": "Bearer t", "Cookie": "ops=s; schalter=x",
                                                       "X-Other": "1"})
    assert credentials(both) == {"Cookie": "ops=s", "Authorization": "Bearer t"}
    assert credentials(make_mocked_request("GET", "/ops")) == {}


def test_the_policy_lets_in_the_pages_own_script_and_nothing_inline_or_foreign() -> None:
    answer = page("<p>x</p>")
    policy = answer.headers["Content-Security-Policy"]
    assert policy == POLICY["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["X-Content-Type-Options"] == "nosniff"
