"""HTTP for the operator page: who may see it, its security headers, and the credentials sent on to other workers.

Only operator grants (`hub token add --operator`) get in: with the session cookie of the login form (purpose "ops",
limited to /ops) or with `Authorization: Bearer <operator token>` (for scripts). Without either the page sends the
browser to the login; a known token that is not an operator's is refused with 403, an unknown one with 401.

Every answer carries the counter page's headers with a policy that lets in the page's own script (which refreshes
the figures from the same page) and nothing else: no inline script, no other origin, no framing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web as aioweb

from hub.app.auth import bearer_token
from hub.app.counter_http import answer
from hub.auth.sessions import Sessions
from hub.auth.tokens import Grant, TokenStore

OPS_PATH = "/ops"
SESSION_COOKIE = "ops"
LOGIN_COOKIE = "ops_anmeldung"
POLICY = {"Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                                     "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}


@dataclass(frozen=True)
class Denied:
    """Why a request does not get the page: 303 (sign in first), 401 (unknown token) or 403 (not an operator)."""

    status: int


def operator_of(request: Any, sessions: Sessions, tokens: TokenStore) -> Grant | Denied:
    """The operator grant of a request: its session (only operators have one) or its bearer token."""
    grant = sessions.verify(request.cookies.get(SESSION_COOKIE))
    if grant is not None:
        return grant
    if "Authorization" not in request.headers:
        return Denied(303)
    grant = tokens.authenticate(bearer_token(request))
    if grant is None:
        return Denied(401)
    return grant if grant.operator else Denied(403)


def credentials(request: Any) -> dict[str, str]:
    """The request's own credentials, to ask another worker on its behalf: the session cookie and/or the bearer."""
    sent = {"Cookie": f"{SESSION_COOKIE}={request.cookies[SESSION_COOKIE]}"} if SESSION_COOKIE in request.cookies \
        else {}
    if "Authorization" in request.headers:
        sent["Authorization"] = request.headers["Authorization"]
    return sent


def page(body: str | bytes, status: int = 200, *, content_type: str = "text/html",
         headers: Mapping[str, str] | None = None) -> aioweb.Response:
    """An operator page answer with the security headers and the page's policy."""
    return answer(body, status, content_type=content_type, headers={**POLICY, **(headers or {})})
