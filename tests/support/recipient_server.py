"""A real local HTTP recipient for delivery tests: per path it fails its first N calls, records every call."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class RecipientServer:
    """Answers 503 to the first `fail_first[path]` calls of a path (forever for -1), then 200; a path in `slow`
    waits that many seconds before answering (longer than the hub's timeout: it never answers in time)."""

    port: int
    fail_first: dict[str, int] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def calls_to(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]

    def heal(self, path: str) -> None:
        """From now on `path` answers 200 at once."""
        with self.lock:
            self.fail_first[path] = 0
            self.slow.pop(path, None)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self.lock:
            delay = self.slow.get(request.path, 0.0)
        if delay:
            await asyncio.sleep(delay)
        with self.lock:
            earlier = sum(1 for c in self.calls if c.path == request.path)
            limit = self.fail_first.get(request.path, 0)
            status = 503 if limit < 0 or earlier < limit else 200
            self.calls.append(Call(request.path, dict(request.headers), body, status))
        return web.Response(status=status, text="ok" if status == 200 else "nicht verfügbar")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def recipient_server(fail_first: dict[str, int] | None = None,
                     slow: dict[str, float] | None = None) -> Iterator[RecipientServer]:
    """Run a RecipientServer on 127.0.0.1 in a thread of its own for the duration of the block."""
    server = RecipientServer(_free_port(), dict(fail_first or {}), dict(slow or {}))
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None)

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", server.port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="recipient-server", daemon=True)
    thread.start()
    assert ready.wait(10), "recipient server did not start"
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
