"""One HTTP POST of a message to a recipient's webhook, reported as an outcome instead of an exception.

The caller (a delivery agent) decides from the outcome whether to retry, park or mark the message delivered, so
network trouble must never escape as an exception. Nothing here logs: bodies carry personal data and headers carry
signatures; the outcome holds only status, a short error text and the time taken.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """The result of one attempt: `ok` for a 2xx answer; `status` when the recipient answered at all;
    `error` a short text without payload or secrets ("HTTP 503", "timeout after 2.0 s", "connection refused")."""

    ok: bool
    status: int | None
    error: str | None
    elapsed_s: float


async def post_message(session: aiohttp.ClientSession, url: str, body: bytes, headers: Mapping[str, str], *,
                       timeout_s: float) -> DeliveryOutcome:
    """POST `body` with exactly `headers` to `url` within `timeout_s` (connect and answer together).

    Redirects are not followed (a 3xx is a failure): following one would hand the signed message to another
    address. Network errors and timeouts become a failed outcome; cancellation still propagates. The session's own
    timeout and raise_for_status are overridden; give it no default headers, or they are sent too.
    """
    started = time.monotonic()

    def outcome(status: int | None, error: str | None) -> DeliveryOutcome:
        ok = error is None and status is not None and 200 <= status < 300
        return DeliveryOutcome(ok=ok, status=status, error=error, elapsed_s=time.monotonic() - started)

    try:
        async with session.post(url, data=body, headers=dict(headers), allow_redirects=False, raise_for_status=False,
                                timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
            status = response.status
    except TimeoutError:  # aiohttp's timeouts subclass it (asyncio.TimeoutError is TimeoutError since 3.11)
        return outcome(None, f"timeout after {float(timeout_s)} s")
    except (aiohttp.ClientError, OSError) as exc:
        return outcome(None, describe_error(exc))
    return outcome(status, None if 200 <= status < 300 else f"HTTP {status}")


def describe_error(exc: BaseException) -> str:
    """A short, payload-free description of a network error: its kind, never its message (which may echo the URL)."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "DNS lookup failed"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "TLS error"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return "connection failed"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid URL"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "invalid response"
    if isinstance(exc, aiohttp.ClientResponseError):
        return "invalid response" if exc.status in (0, 400) else f"HTTP {exc.status}"
    return f"network error ({type(exc).__name__})"
