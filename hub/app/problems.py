"""RFC 9457 problem documents, the body of every error answer of the API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from aiohttp import web as aioweb
from faust.web import Response

PROBLEM_JSON = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, *, headers: Mapping[str, str] | None = None,
            **extra: Any) -> Response:
    """A problem document; `code` is the hub's stable reason code, `extra` fields with None are left out."""
    body = {"type": f"urn:municipal-hub:problem:{code}", "title": title, "status": status, "detail": detail,
            "code": code, **{k: v for k, v in extra.items() if v is not None}}
    response = aioweb.Response(status=status, body=json.dumps(body, ensure_ascii=False).encode(),
                               content_type=PROBLEM_JSON, headers=dict(headers or {}))
    return cast(Response, response)
