"""The load generator against local aiohttp servers: answers as recorded, offered load on schedule, its ceiling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from hub.bench.load import MESSAGES_PATH, LoadGenerator
from hub.bench.messages import Generated, MessageFactory
from hub.bench.selfcheck import ceiling
from hub.bench.worker import free_ports

Handler = Callable[[web.Request], Awaitable[web.Response]]


@asynccontextmanager
async def _server(handler: Handler) -> AsyncIterator[str]:
    application = web.Application()
    application.router.add_post(MESSAGES_PATH, handler)
    runner = web.AppRunner(application)
    await runner.setup()
    port = free_ports(1)[0]
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def _messages(count: int, kind: str = "ok") -> list[Generated]:
    return [Generated(f"{kind}{i}", "t", f"<{kind}>{i}</{kind}>".encode()) for i in range(count)]


async def _answer(request: web.Request) -> web.Response:
    """202 with a case for <ok>, 422 for <refused>, a duplicate's 202 for <duplicate>; checks the headers."""
    body = await request.text()
    if request.headers.get("Authorization") != "Bearer secret" or request.content_type != "application/xml":
        return web.json_response({"code": "auth.missing"}, status=401)
    if body.startswith("<refused>"):
        return web.json_response({"code": "message.invalid"}, status=422)
    if body.startswith("<duplicate>"):
        return web.json_response({"message_id": "d", "case_id": "c", "duplicate": True}, status=202)
    return web.json_response({"message_id": "m", "case_id": f"case-{body}"}, status=202)


def test_every_answer_is_recorded_with_its_status_and_case() -> None:
    async def scenario() -> None:
        async with _server(_answer) as url, LoadGenerator(url, "secret", connections=2) as load:
            seen: list[str] = []
            messages = _messages(2) + _messages(1, "refused") + _messages(1, "duplicate")
            answers = {a.message_id: a for a in await load.saturate(messages, lambda m: seen.append(m.message_id))}
            assert sorted(seen) == ["duplicate0", "ok0", "ok1", "refused0"]
            assert answers["ok1"].accepted and answers["ok1"].case_id == "case-<ok>1</ok>"
            refused = answers["refused0"]
            assert (refused.status, refused.problem, refused.accepted) == (422, "message.invalid", False)
            duplicate = answers["duplicate0"]
            assert (duplicate.accepted, duplicate.problem, duplicate.duplicate, duplicate.case_id) == (
                False, "duplicate", True, "c")
            assert all(a.answered_at >= a.sent_at for a in answers.values())
            assert load.posted == 4

    asyncio.run(scenario())


def test_a_hub_that_does_not_answer_is_an_answer_too() -> None:
    async def scenario() -> None:
        async with LoadGenerator(f"http://127.0.0.1:{free_ports(1)[0]}", "x", connections=1) as load:
            [answer] = await load.saturate(_messages(1))
            assert (answer.status, answer.accepted) == (0, False)
            assert answer.problem

    asyncio.run(scenario())


def test_a_fixed_rate_starts_each_post_on_schedule() -> None:
    async def scenario() -> None:
        async with _server(_answer) as url, LoadGenerator(url, "secret", connections=4) as load:
            messages = _messages(30)
            answers = await load.at_rate(messages, 200.0)
        starts = sorted(a.sent_at for a in answers)
        assert len(answers) == len(messages) and all(a.accepted for a in answers)
        assert starts[-1] - starts[0] >= 0.9 * (len(messages) - 1) / 200.0  # never faster than offered

    asyncio.run(scenario())


def test_the_ceiling_is_measured_against_a_trivial_server_in_another_process(samples_dir: Path) -> None:
    factory = MessageFactory(samples_dir, "XGewerbeanzeige")
    measured = asyncio.run(ceiling(factory.messages(300), connections=4))
    assert measured is not None and measured > 0
