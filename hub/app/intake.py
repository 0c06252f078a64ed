"""Taking a message body off the wire: identity encoding only, XML only, bounded in size and time; anything else
is parked with its bytes as received and answered with problem+json.

Policy: a `Content-Encoding` other than identity is refused (415), never inflated, so a compression bomb costs
nothing; senders compress on the transport (TLS, VPN), not the body. A body must arrive within
HUB_BODY_TIMEOUT_S (408 and the connection is closed), so a `Content-Length` larger than the body cannot hold a
connection open. Bodies over twice HUB_MAX_MESSAGE_BYTES are neither read to the end nor stored (413).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from faust.web import Response

from connectors.errors import ConnectorError
from connectors.reading import Reading
from hub.app.problems import closing, problem
from hub.failure_log import log_failure
from hub.ingest.accept import Acceptor, Outcome, SeenLookup
from hub.ingest.processor import InternalError
from hub.ingest.records import Out

log = logging.getLogger(__name__)

XML_TYPES = ("application/xml", "text/xml")
IDENTITY = ("", "identity")


class HttpRefusal(ConnectorError):
    """A request the HTTP edge refuses before its body is read as XML; parked like a message that does not read."""

    code = "http.refused"
    http_status = 400


class UnsupportedEncoding(HttpRefusal):
    """A Content-Encoding other than identity: the body is parked as sent, never inflated."""

    code = "http.unsupported_encoding"
    http_status = 415


class UnsupportedMediaType(HttpRefusal):
    """A body not sent as application/xml (or text/xml, or application/*+xml)."""

    code = "http.unsupported_media_type"
    http_status = 415


class BodyTimeout(HttpRefusal):
    """The body did not arrive within HUB_BODY_TIMEOUT_S; what came is parked."""

    code = "http.body_timeout"
    http_status = 408


class BodyIncomplete(HttpRefusal):
    """The client broke the body off or sent a broken transfer encoding; what came is parked."""

    code = "http.body_incomplete"
    http_status = 400


@dataclass(frozen=True)
class IntakeLimits:
    """HUB_MAX_MESSAGE_BYTES and HUB_BODY_TIMEOUT_S, as the intake applies them."""

    max_message_bytes: int
    timeout_s: float

    @property
    def max_body_bytes(self) -> int:
        """Bodies up to this size are read and parked when they are too large to accept."""
        return 2 * self.max_message_bytes


def is_xml(content_type: str) -> bool:
    return content_type in XML_TYPES or (content_type.startswith("application/") and content_type.endswith("+xml"))


def _too_large(limits: IntakeLimits) -> Response:
    return problem(413, "message.too_large", "Payload Too Large",
                   f"der Rumpf übersteigt das Doppelte der Grenze von {limits.max_message_bytes} Bytes und wurde "
                   "nicht gespeichert")


async def _read(request: web.Request, limits: IntakeLimits) -> tuple[bytes, HttpRefusal | None] | None:
    """The body as received, with the refusal that ended reading it early; None when it is too large to keep."""
    received = bytearray()
    try:
        async with asyncio.timeout(limits.timeout_s):
            async for chunk in request.content.iter_any():
                received += chunk
                if len(received) > limits.max_body_bytes:
                    return None
    except TimeoutError:
        announced = f" der angekündigten {request.content_length}" if request.content_length is not None else ""
        return bytes(received), BodyTimeout(f"der Rumpf kam nicht binnen {limits.timeout_s:g} s an: "
                                            f"{len(received)} Bytes{announced} kamen")
    except web.RequestPayloadError as exc:
        return bytes(received), BodyIncomplete(f"der Rumpf ist unvollständig oder seine Übertragungskodierung "
                                               f"fehlerhaft ({type(exc.__cause__ or exc).__name__}) nach "
                                               f"{len(received)} Bytes")
    return bytes(received), None


def _refusal(request: web.Request) -> HttpRefusal | None:
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in IDENTITY:
        return UnsupportedEncoding(f"Content-Encoding {encoding[:40]!r} wird abgewiesen: der Hub entpackt keinen "
                                   "Rumpf; die XÖV-Nachricht unkomprimiert senden")
    if not is_xml(request.content_type):
        return UnsupportedMediaType(f"die XÖV-Nachricht als application/xml senden, nicht als "
                                    f"{request.content_type[:80] or 'nichts'}")
    return None


@dataclass(frozen=True)
class Body:
    """A request body as received, and the refusal to park it with (None: read it as an XÖV message)."""

    data: bytes
    refusal: HttpRefusal | None = None

    @property
    def partial(self) -> bool:
        """Reading stopped before the body's end: the connection's state is unknown, so it is closed."""
        return isinstance(self.refusal, BodyTimeout | BodyIncomplete)


async def receive(request: web.Request, limits: IntakeLimits) -> Body | Response:
    """The body with what to do about it, or the 413 answer for one too large to keep (not stored)."""
    if request.content_length is not None and request.content_length > limits.max_body_bytes:
        return closing(_too_large(limits))
    read = await _read(request, limits)
    if read is None:
        return closing(_too_large(limits))
    data, early = read
    return Body(data, early or _refusal(request))


def decide_or_park(acceptor: Acceptor, data: bytes, reading: Reading | ConnectorError, *,
                   sender: Callable[[str], bool], seen: SeenLookup, caller: str | None = None
                   ) -> tuple[Outcome, list[Out]]:
    """`acceptor.decide`, with an unexpected failure parked as an internal error (500 problem+json)."""
    try:
        return acceptor.decide(data, reading, sender=sender, seen=seen, caller=caller)
    except Exception as exc:  # the body must not be lost, nor an unexpected failure answered with a bare page
        log_failure(log, "deciding on a message", exc)
        error = InternalError(f"der Hub ist an dieser Nachricht gescheitert ({type(exc).__name__})")
        return acceptor.decide(data, error, sender=sender, seen=seen, caller=caller)
