"""RFC 9457 problem documents, the body of every error answer of the API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from aiohttp import web as aioweb
from faust.web import Response

from hub.pipeline import Rejection

PROBLEM_JSON = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, *, headers: Mapping[str, str] | None = None,
            **extra: Any) -> Response:
    """A problem document; `code` is the hub's stable reason code, `extra` fields with None are left out."""
    body = {"type": f"urn:municipal-hub:problem:{code}", "title": title, "status": status, "detail": detail,
            "code": code, **{k: v for k, v in extra.items() if v is not None}}
    response = aioweb.Response(status=status, body=json.dumps(body, ensure_ascii=False).encode(),
                               content_type=PROBLEM_JSON, headers=dict(headers or {}))
    return cast(Response, response)


def rejected(outcome: Rejection) -> Response:
    """The problem document of a refused message: every error found, and the case it was filed under."""
    return problem(outcome.http_status, outcome.code, "Message rejected", outcome.reason, field=outcome.field,
                   case_id=outcome.case_id, message_id=outcome.message_id, errors=outcome.problems())


def closing(response: Response) -> Response:
    """`response`, answered with the connection closed after it (the rest of the request is not read)."""
    cast(aioweb.StreamResponse, response).force_close()
    return response
