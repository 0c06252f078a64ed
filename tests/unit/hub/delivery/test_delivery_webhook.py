"""post_message against a real aiohttp server on 127.0.0.1: outcomes for 2xx, errors, timeouts, closed ports."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from hub.delivery.signing import signed_headers, verify
from hub.delivery.webhook import DeliveryOutcome, describe_error, post_message

SECRET = b"0123456789abcdef0123456789abcdef"
BODY = b"<nachricht>Bauantrag Schmidt, Heppenheim</nachricht>"
NOW = 1_760_000_000
# What aiohttp's client adds on its own; everything else the server sees must be exactly what was sent.
TRANSPORT_HEADERS = {"host", "content-length", "user-agent", "accept", "accept-encoding"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    url: str
    received: list[Received] = field(default_factory=list)


@asynccontextmanager
async def serve(answer: Handler) -> AsyncIterator[Server]:
    """A real HTTP server on a free port of 127.0.0.1 that records each request before answering it."""
    server = Server(url="")

    async def handle(request: web.Request) -> web.StreamResponse:
        server.received.append(Received(request.method, request.path, dict(request.headers), await request.read()))
        return await answer(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        server.url = f"http://{host}:{port}/hooks/ihk"
        yield server
    finally:
        await runner.cleanup()


async def deliver(url: str, headers: dict[str, str], timeout_s: float = 2.0) -> DeliveryOutcome:
    async with aiohttp.ClientSession() as session:
        return await post_message(session, url, BODY, headers, timeout_s=timeout_s)


def delivery_headers() -> dict[str, str]:
    return signed_headers(SECRET, BODY, message_id="m-1", case_id="c-1", idempotency_key="k-1", now=NOW)


def status_handler(status: int) -> Handler:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text="answer body")
    return answer


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_ok(status: int) -> None:
    async def scenario() -> DeliveryOutcome:
        async with serve(status_handler(status)) as server:
            return await deliver(server.url, delivery_headers())

    outcome = asyncio.run(scenario())
    assert outcome.ok and outcome.status == status and outcome.error is None
    assert 0 <= outcome.elapsed_s < 2.0


def test_server_receives_exactly_the_headers_and_body_sent() -> None:
    sent = delivery_headers()

    async def scenario() -> list[Received]:
        async with serve(status_handler(202)) as server:
            outcome = await deliver(server.url, sent)
            assert outcome.ok
            return server.received

    received = asyncio.run(scenario())
    assert len(received) == 1
    request = received[0]
    assert (request.method, request.path, request.body) == ("POST", "/hooks/ihk", BODY)
    by_name = {k.lower(): v for k, v in request.headers.items()}
    assert {k.lower(): v for k, v in sent.items()} == {k: v for k, v in by_name.items() if k not in TRANSPORT_HEADERS}
    assert by_name["content-length"] == str(len(BODY))
    assert verify(SECRET, request.body, request.headers, now=NOW)


@pytest.mark.parametrize("status", [500, 503, 404, 400])
def test_error_status_is_not_ok_and_names_the_status(status: int) -> None:
    async def scenario() -> DeliveryOutcome:
        async with serve(status_handler(status)) as server:
            return await deliver(server.url, delivery_headers())

    outcome = asyncio.run(scenario())
    assert not outcome.ok
    assert outcome.status == status
    assert outcome.error == f"HTTP {status}"


def test_session_raising_for_status_still_gives_an_outcome() -> None:
    async def scenario() -> DeliveryOutcome:
        async with serve(status_handler(503)) as server, aiohttp.ClientSession(raise_for_status=True) as session:
            return await post_message(session, server.url, BODY, delivery_headers(), timeout_s=2.0)

    outcome = asyncio.run(scenario())
    assert (outcome.ok, outcome.status, outcome.error) == (False, 503, "HTTP 503")


def test_redirect_is_not_followed() -> None:
    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect("/elsewhere")

    async def scenario() -> tuple[DeliveryOutcome, list[Received]]:
        async with serve(redirect) as server:
            return await deliver(server.url, delivery_headers()), server.received

    outcome, received = asyncio.run(scenario())
    assert (outcome.ok, outcome.status, outcome.error) == (False, 307, "HTTP 307")
    assert [r.path for r in received] == ["/hooks/ihk"]


def test_slow_recipient_gives_a_timeout_outcome() -> None:
    async def scenario() -> DeliveryOutcome:
        release = asyncio.Event()

        async def slow(request: web.Request) -> web.StreamResponse:
            with suppress(TimeoutError):
                await asyncio.wait_for(release.wait(), timeout=5)
            return web.Response(status=200)

        async with serve(slow) as server:
            try:
                return await deliver(server.url, delivery_headers(), timeout_s=0.3)
            finally:
                release.set()

    outcome = asyncio.run(scenario())
    assert (outcome.ok, outcome.status, outcome.error) == (False, None, "timeout after 0.3 s")
    assert 0.25 <= outcome.elapsed_s < 2.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_closed_port_gives_a_connection_error_outcome() -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/ihk"
    outcome = asyncio.run(deliver(url, delivery_headers()))
    assert (outcome.ok, outcome.status, outcome.error) == (False, None, "connection refused")


def test_invalid_url_is_an_outcome_not_an_exception() -> None:
    outcome = asyncio.run(deliver("http://", delivery_headers()))
    assert not outcome.ok and outcome.status is None and outcome.error is not None


def test_server_dropping_the_connection_is_an_outcome() -> None:
    async def drop(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        await asyncio.sleep(0.05)
        return web.Response(status=200)

    async def scenario() -> DeliveryOutcome:
        async with serve(drop) as server:
            return await deliver(server.url, delivery_headers())

    outcome = asyncio.run(scenario())
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.error == "server disconnected"


def test_outcome_error_text_holds_no_payload_or_secret() -> None:
    async def scenario() -> DeliveryOutcome:
        async with serve(status_handler(500)) as server:
            return await deliver(server.url, delivery_headers())

    outcome = asyncio.run(scenario())
    text = repr(outcome)
    assert "Schmidt" not in text and delivery_headers()["callback-authentication"] not in text


def test_describe_error_never_echoes_the_exception_message() -> None:
    assert describe_error(ConnectionRefusedError("secret-token")) == "connection refused"
    assert describe_error(OSError("https://user:pw@host")) == "network error (OSError)"
