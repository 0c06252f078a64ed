"""Bearer-token checks for the HTTP views: 401 without a known token, 403 outside the token's authorities."""

from __future__ import annotations

from typing import Any

from faust.web import Response

from hub.app.problems import problem
from hub.auth.tokens import Grant, TokenStore

OPEN_PATHS = ("/healthz", "/metrics")  # monitoring stays open, see README


def bearer_token(request: Any) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authenticate(request: Any, tokens: TokenStore) -> Grant | Response:
    """The caller's grant, or the 401 problem to answer with."""
    grant = tokens.authenticate(bearer_token(request))
    if grant is None:
        return problem(401, "auth.unauthenticated", "Unauthorized",
                       "ein gültiges API-Token als 'Authorization: Bearer <token>' senden",
                       headers={"WWW-Authenticate": 'Bearer realm="municipal-hub"'})
    return grant


def forbidden(detail: str) -> Response:
    return problem(403, "auth.forbidden", "Forbidden", detail)
