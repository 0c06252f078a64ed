"""The HTTP load generator: POSTs messages over a bounded number of aiohttp connections, at saturation or at a
fixed offered rate, and records when each POST was started and answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiohttp

from hub.bench.messages import Generated

MESSAGES_PATH = "/api/v1/messages"


@dataclass(frozen=True)
class Answer:
    """One POST: its message, when it was started and answered, the HTTP status and the case it was filed in."""

    message_id: str
    sent_at: float
    answered_at: float
    status: int
    case_id: str | None
    problem: str | None  # the problem code or error of a POST that was not accepted
    duplicate: bool = False  # 202 for a message id the hub had accepted before (`case_id` is the earlier case)

    @property
    def accepted(self) -> bool:
        """Accepted as a new message: a 202 with its case."""
        return self.status == 202 and self.case_id is not None and not self.duplicate


BeforeSend = Callable[[Generated], None]


def _nothing(_message: Generated) -> None:
    """Default hook before each POST."""


class LoadGenerator:
    """An aiohttp session with at most `connections` connections to the hub, authenticated with `token`."""

    def __init__(self, base_url: str, token: str, *, connections: int, timeout_s: float = 120.0) -> None:
        self.url = base_url.rstrip("/") + MESSAGES_PATH
        self.connections = connections
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self.posted = 0  # POSTs started so far, for progress lines

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(limit=self.connections, force_close=False)
        self._session = aiohttp.ClientSession(connector=connector, headers=self._headers, timeout=self._timeout)
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()

    async def post(self, message: Generated) -> Answer:
        """POST one message; a refusal or a transport error is an Answer too, never an exception."""
        assert self._session is not None, "use LoadGenerator as an async context manager"
        sent_at = time.monotonic()
        self.posted += 1
        try:
            async with self._session.post(self.url, data=message.body) as response:
                body = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return Answer(message.message_id, sent_at, time.monotonic(), 0, None, type(exc).__name__)
        answered_at = time.monotonic()
        if not isinstance(body, dict):
            return Answer(message.message_id, sent_at, answered_at, status, None, "no JSON object")
        case_id = body.get("case_id") if status == 202 else None
        case = case_id if isinstance(case_id, str) else None
        if status == 202 and body.get("duplicate"):
            return Answer(message.message_id, sent_at, answered_at, status, case, "duplicate", duplicate=True)
        return Answer(message.message_id, sent_at, answered_at, status, case,
                      None if status == 202 else str(body.get("code")))

    async def saturate(self, messages: Iterable[Generated], before_send: BeforeSend = _nothing) -> list[Answer]:
        """As fast as the hub answers: every connection sends its next message as soon as the last is answered."""
        source = iter(messages)
        answers: list[Answer] = []

        async def lane() -> None:
            for message in source:  # one shared iterator: each message is taken by exactly one lane
                before_send(message)
                answers.append(await self.post(message))

        await asyncio.gather(*(lane() for _ in range(self.connections)))
        return answers

    async def at_rate(self, messages: Iterable[Generated], rate: float,
                      before_send: BeforeSend = _nothing) -> list[Answer]:
        """An open-loop offered load of `rate` POSTs per second: each is started at its time whether or not the
        earlier ones were answered, so a slow hub shows as latency rather than as a lower offered rate."""
        if rate <= 0:
            raise ValueError(f"rate {rate} is not positive")
        started = time.monotonic()
        tasks: list[asyncio.Task[Answer]] = []
        for index, message in enumerate(messages):
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)  # the schedule of the offered load, not a wait for anything
            before_send(message)
            tasks.append(asyncio.create_task(self.post(message)))
        return list(await asyncio.gather(*tasks))
