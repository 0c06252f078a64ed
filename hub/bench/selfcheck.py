"""The load generator's own ceiling: its POST rate against a trivial aiohttp server in another process.

The hub's API rate is only a figure of the hub while it stays well below this ceiling.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterable

from aiohttp import web

from hub.bench.errors import BenchError
from hub.bench.load import MESSAGES_PATH, LoadGenerator
from hub.bench.messages import Generated
from hub.bench.stats import rate
from hub.bench.worker import free_ports
from hub.kafka.process import port_open

_READY_TIMEOUT_S = 30.0


async def _accept(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"message_id": "-", "case_id": "-"}, status=202)


def serve_trivial(port: int) -> None:
    """Answer every POST to the messages path with 202 and a fixed body, until killed (runs in a child process)."""
    application = web.Application(client_max_size=16 * 1024 * 1024)
    application.router.add_post(MESSAGES_PATH, _accept)
    web.run_app(application, host="127.0.0.1", port=port, print=None, handle_signals=True)


async def ceiling(messages: Iterable[Generated], *, connections: int) -> float | None:
    """POSTs per second the generator reaches with `connections` connections against the trivial server."""
    port = free_ports(1)[0]
    server = subprocess.Popen([sys.executable, "-m", "hub.bench.selfcheck", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + _READY_TIMEOUT_S
        while not port_open("127.0.0.1", port, timeout_s=0.2):
            if server.poll() is not None or time.monotonic() > deadline:
                raise BenchError("load generator check", f"the trivial server did not listen on port {port}")
            await asyncio.sleep(0.05)  # poll interval while the child process starts
        async with LoadGenerator(f"http://127.0.0.1:{port}", "-", connections=connections) as load:
            answers = await load.saturate(messages)
    finally:
        server.terminate()
        server.wait(timeout=10)
    accepted = [a for a in answers if a.accepted]
    if len(accepted) != len(answers):
        raise BenchError("load generator check", f"{len(answers) - len(accepted)} POSTs to the trivial server failed")
    if not answers:
        return None
    return rate(len(answers), max(a.answered_at for a in answers) - min(a.sent_at for a in answers))


if __name__ == "__main__":
    serve_trivial(int(sys.argv[1]))
