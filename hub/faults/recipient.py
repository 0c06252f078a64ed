"""A webhook recipient system as the hub's recipients should build one, for the fault suite: it verifies each
POST's signature, processes each Idempotency-Key once (a repeat is answered 2xx again and not processed twice), and
records every call. It can be taken down: answering 503, or refusing connections.

It runs in a thread with its own event loop, so it answers on time whatever the caller's loop is doing.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum

from aiohttp import web

from hub.delivery.signing import HEADER_IDEMPOTENCY_KEY, HEADER_MESSAGE_ID, verify
from hub.faults.verdict import WebhookCall

_START_TIMEOUT_S = 10.0


class Mode(StrEnum):
    UP = "up"  # verifies and processes
    UNAVAILABLE = "unavailable"  # answers 503 to everything
    REFUSING = "refusing"  # not listening; a request on a connection still open is dropped unanswered


def path_of(recipient: str) -> str:
    """The URL path a recipient's webhook is served at."""
    return "/" + recipient.replace(":", "-")


class WebhookRecipient:
    """Serves each recipient of `secrets` (recipient key -> HMAC secret) at `path_of(recipient)` on `port`."""

    def __init__(self, port: int, secrets: Mapping[str, bytes]) -> None:
        self.port = port
        self._by_path = {path_of(r): (r, s) for r, s in secrets.items()}
        self._lock = threading.Lock()
        self._calls: list[WebhookCall] = []
        self._processed: set[tuple[str, str]] = set()  # (recipient, idempotency key) answered 2xx
        self._mode = Mode.UP
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="webhook-recipient", daemon=True)

    def url(self, recipient: str) -> str:
        return f"http://127.0.0.1:{self.port}{path_of(recipient)}"

    @property
    def mode(self) -> Mode:
        return self._mode

    def calls(self) -> list[WebhookCall]:
        """Every POST so far, in the order received."""
        with self._lock:
            return list(self._calls)

    def start(self) -> None:
        self._thread.start()
        self._call(self._open())

    def stop(self) -> None:
        if self._runner is not None:
            self._call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(_START_TIMEOUT_S)
        self._loop.close()

    def set_mode(self, mode: Mode) -> None:
        """Answer normally, answer 503, or stop listening (and drop requests on connections still open)."""
        self._call(self._switch(mode))

    def _call(self, work: object) -> None:
        asyncio.run_coroutine_threadsafe(work, self._loop).result(_START_TIMEOUT_S)  # type: ignore[arg-type]

    async def _open(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await self._listen()

    async def _listen(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await self._site.start()

    async def _switch(self, mode: Mode) -> None:
        self._mode = mode
        if mode is Mode.REFUSING and self._site is not None:
            await self._site.stop()
            self._site = None
            server = self._runner.server if self._runner is not None else None
            for connection in server.connections if server is not None else []:
                connection.force_close()  # kept-alive connections too: nothing gets through
        elif mode is not Mode.REFUSING and self._site is None:
            await self._listen()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        served = self._by_path.get(request.path)
        key = request.headers.get(HEADER_IDEMPOTENCY_KEY, "")
        message_id = request.headers.get(HEADER_MESSAGE_ID, "")
        if served is None:
            return web.Response(status=404, text="unbekannter Empfänger")
        recipient, secret = served
        if self._mode is Mode.REFUSING:  # arrived while the listener closed: dropped unanswered
            self._record(WebhookCall(recipient, message_id, key, 0))
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=503)  # never reaches the caller: the connection is gone
        if self._mode is Mode.UNAVAILABLE:
            self._record(WebhookCall(recipient, message_id, key, 503))
            return web.Response(status=503, text="vorübergehend nicht verfügbar")
        signed = verify(secret, body, dict(request.headers), now=int(time.time())) and bool(key and message_id)
        if not signed:
            self._record(WebhookCall(recipient, message_id, key, 401, signed=False))
            return web.Response(status=401, text="Signatur ungültig")
        with self._lock:
            repeat = (recipient, key) in self._processed
            self._processed.add((recipient, key))
            self._calls.append(WebhookCall(recipient, message_id, key, 200, repeat=repeat))
        return web.Response(status=200, text="bereits erhalten" if repeat else "angenommen")

    def _record(self, call: WebhookCall) -> None:
        with self._lock:
            self._calls.append(call)


@contextmanager
def webhook_recipient(port: int, secrets: Mapping[str, bytes]) -> Iterator[WebhookRecipient]:
    """A running WebhookRecipient for the duration of the block."""
    server = WebhookRecipient(port, secrets)
    server.start()
    try:
        yield server
    finally:
        server.stop()
