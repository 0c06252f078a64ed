"""A plain HTTP/1.1 client for tests that must send what well-behaved clients never do (huge headers, a body
shorter than its Content-Length) and read the answer as sent."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw) if self.content_type.endswith("json") else self.raw


def call(port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b"",
         content_length: int | None = None, timeout_s: float = 30.0) -> Answer:
    """Send one request; `content_length` announces a different length than `body` has."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body) if content_length is None else content_length))
        connection.endheaders()
        if body:
            connection.send(body)
        response = connection.getresponse()
        return Answer(response.status, response.headers.get_content_type(), response.read())
    finally:
        connection.close()
