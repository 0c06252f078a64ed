"""The HTTP server's edge: its parser limits, and problem+json for every answer aiohttp would give in plain text.

aiohttp answers a request it cannot parse (a header longer than its limit, a malformed request line) with a
plain-text 400 quoting the first 100 bytes of the offending line, and logs them with a traceback: an oversized
`Authorization` header put the bearer token into the log and the answer. Here such a request gets a problem
document that repeats nothing of the request, and the log names only the kind of error. An unexpected exception
in a view becomes a 500 problem document (the log names its type and where it was raised, never its message,
which may quote message content). Request bodies are not inflated: a `Content-Encoding` is refused (see intake).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, cast

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse
from faust.web.drivers.aiohttp import Web

from hub.app.problems import problem
from hub.failure_log import log_failure
from hub.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeaderLimits:
    """The longest request line and header field (name and value) the parser reads, and how many headers."""

    max_bytes: int
    max_headers: int = 128


def internal_error() -> StreamResponse:
    """The 500 problem document: nothing of the failure is shown (the log has its type and place)."""
    return cast(StreamResponse, problem(500, "hub.internal_error", "Internal Server Error",
                                        "der Hub ist an dieser Anfrage gescheitert; sie wurde ohne ihren Inhalt "
                                        "protokolliert"))


def protocol_problem(status: int, exc: BaseException | None, limits: HeaderLimits) -> StreamResponse:
    """The problem document for a request aiohttp refused (`status`, `exc` as aiohttp reports them)."""
    if isinstance(exc, LineTooLong) or (isinstance(exc, BadHttpMessage) and "Too many headers" in exc.message):
        response = problem(431, "http.header_too_large", "Request Header Fields Too Large",
                           f"die Anfragezeile oder ein Header ist länger als {limits.max_bytes} Bytes, oder die "
                           f"Anfrage hat mehr als {limits.max_headers} Header; nichts davon wurde gelesen oder "
                           "aufbewahrt")
    elif isinstance(exc, HttpProcessingError) or 400 <= status < 500:
        response = problem(400, "http.malformed_request", "Bad Request",
                           "die Anfrage ist kein wohlgeformtes HTTP/1.1; nichts davon wurde gelesen oder aufbewahrt")
    elif status == 504:
        response = problem(504, "hub.timeout", "Gateway Timeout", "der Hub hat diese Anfrage nicht rechtzeitig beendet")
    else:
        return internal_error()
    return cast(StreamResponse, response)


class EdgeRequestHandler(RequestHandler):
    """aiohttp's connection handler, answering what it cannot parse with a problem document that echoes nothing."""

    def __init__(self, manager: web.Server, *, limits: HeaderLimits, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.limits = limits

    def handle_error(self, request: BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> StreamResponse:
        log.warning("refused a request from %s: %s (%d)", request.remote, type(exc).__name__ if exc else "error",
                    status)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer was already being sent; the connection is closed")
        response = protocol_problem(status, exc, self.limits)
        response.force_close()
        return response


class EdgeServer(web.Server):
    """aiohttp's server, whose connections are EdgeRequestHandlers."""

    def __init__(self, handler: Any, *, request_factory: Any, handler_cancellation: bool, limits: HeaderLimits,
                 **handler_options: Any) -> None:
        super().__init__(handler, request_factory=request_factory, handler_cancellation=handler_cancellation,
                         **handler_options)
        self.limits = limits
        self.handler_options = handler_options

    def __call__(self) -> RequestHandler:
        return EdgeRequestHandler(self, loop=asyncio.get_running_loop(), limits=self.limits, **self.handler_options)


class EdgeRunner(web.AppRunner):
    """aiohttp's runner, serving with an EdgeServer and the given parser limits."""

    def __init__(self, app: web.Application, *, limits: HeaderLimits) -> None:
        self.limits = limits
        self.handler_options: dict[str, Any] = {
            "max_line_size": limits.max_bytes, "max_field_size": limits.max_bytes,
            "max_headers": limits.max_headers,
            "auto_decompress": False,  # bodies are never inflated on the loop; intake refuses Content-Encoding
            "access_log": None,
        }
        super().__init__(app, **self.handler_options)

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()  # starts and freezes the application
        return EdgeServer(plain.request_handler, request_factory=plain.request_factory,
                          handler_cancellation=plain.handler_cancellation, limits=self.limits,
                          **self.handler_options)


@web.middleware
async def problem_for_unexpected_errors(request: web.Request, handler: Any) -> StreamResponse:
    """A view's unexpected exception becomes a 500 problem document; aiohttp's HTTP errors pass unchanged."""
    try:
        response: StreamResponse = await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:  # the last line of defence: no plain-text 500 page, no exception text in the log
        log_failure(log, f"{request.method} {request.path}", exc)
        return internal_error()
    return response


class EdgeWeb(Web):
    """faust's aiohttp driver with the edge's server, limits and error middleware."""

    def __init__(self, app: Any, *, limits: HeaderLimits, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.web_app.middlewares.append(problem_for_unexpected_errors)
        self._runner = EdgeRunner(self.web_app, limits=limits)


def install_edge(app: Any, settings: Settings) -> None:
    """Serve `app`'s views through the edge; call before any view is registered."""
    app.web = EdgeWeb(app, limits=HeaderLimits(max_bytes=settings.max_header_bytes))
