"""HTTP for the counter page (and the operator page, which shares it with its own cookie, path and policy): HTML
answers with their security headers, the session cookies, and the hop to the worker owning a case or a reference.

Every answer of /schalter carries a Content-Security-Policy that allows no script at all and no framing, and is
never cached (a counter PC is shared). Cookies are HttpOnly, SameSite=Strict, limited to /schalter and Secure
when the request came over https (directly or, per X-Forwarded-Proto, through a TLS proxy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import aiohttp
from aiohttp import web as aioweb
from faust.web import Response
from yarl import URL

SESSION_COOKIE = "schalter"
LOGIN_COOKIE = "schalter_anmeldung"
COOKIE_PATH = "/schalter"
OWNER_TIMEOUT = aiohttp.ClientTimeout(total=15)
SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class OwnerUnreachable(Exception):
    """The worker owning a case or a reference did not answer the forwarded page request."""


def answer(body: str | bytes, status: int = 200, *, content_type: str = "text/html",
           headers: Mapping[str, str] | None = None) -> aioweb.Response:
    """A counter page answer with the security headers."""
    data = body.encode() if isinstance(body, str) else body
    charset = "utf-8" if content_type.startswith("text/") else None
    return aioweb.Response(body=data, status=status, content_type=content_type, charset=charset,
                           headers={**SECURITY_HEADERS, **(headers or {})})


def redirect(location: str) -> aioweb.Response:
    """303 See Other to a path of this site (never a URL taken from the request)."""
    return answer(b"", 303, content_type="text/plain", headers={"Location": location})


def as_faust(response: aioweb.StreamResponse) -> Response:
    return cast(Response, response)


def came_over_https(request: aioweb.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(response: aioweb.Response, request: aioweb.Request, name: str, value: str, max_age: int, *,
               path: str = COOKIE_PATH) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="Strict",
                        secure=came_over_https(request))


def drop_cookie(response: aioweb.Response, request: aioweb.Request, name: str, *, path: str = COOKIE_PATH) -> None:
    response.del_cookie(name, path=path, httponly=True, samesite="Strict", secure=came_over_https(request))


async def from_owner(client: Any, owner: URL, request: aioweb.Request, *, credentials: Mapping[str, str] | None = None,
                     headers: Mapping[str, str] | None = None) -> aioweb.Response:
    """The owner's answer to this GET, with only the session cookie (or the given `credentials` headers) sent along
    and no redirect followed; `headers` are added to the answer."""
    url = owner.with_path(request.path).with_query(request.query)
    sent = credentials or {"Cookie": f"{SESSION_COOKIE}={request.cookies.get(SESSION_COOKIE, '')}"}
    try:
        async with client.get(url, headers=dict(sent), allow_redirects=False, timeout=OWNER_TIMEOUT) as reply:
            body = await reply.read()
            location = {"Location": reply.headers["Location"]} if "Location" in reply.headers else {}
            return answer(body, reply.status, content_type=reply.content_type, headers={**(headers or {}), **location})
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise OwnerUnreachable(f"{owner} did not answer: {type(exc).__name__}") from exc


async def owner_says_readable(client: Any, owner: URL, case_id: str, session: str) -> bool:
    """Whether the owner of a case shows it to this session (its case page answers 200)."""
    try:
        async with client.get(owner.with_path(f"{COOKIE_PATH}/vorgang/{case_id}"), allow_redirects=False,
                              headers={"Cookie": f"{SESSION_COOKIE}={session}"}, timeout=OWNER_TIMEOUT) as reply:
            return bool(reply.status == 200)
    except (aiohttp.ClientError, TimeoutError):
        return False
