"""The HTTP edge on a real aiohttp server (no broker): protocol errors and refused bodies get problem+json that
repeats nothing of the request, bodies are bounded in size and time, and a failing view is a 500 problem."""

from __future__ import annotations

import asyncio
import gzip
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, cast

import pytest
from aiohttp import web

from hub.app.edge import EdgeRunner, HeaderLimits, problem_for_unexpected_errors
from hub.app.intake import Body, IntakeLimits, decide_or_park, receive
from hub.app.problems import closing, rejected
from hub.app.web import read_or_error
from hub.ingest.accept import Accepted, Acceptor
from hub.ingest.processor import InternalError
from hub.ingest.records import Out
from hub.pipeline import Rejection, Routing
from tests.support.http_client import Answer, call
from topics.envelope import DEADLETTER_HEADER, DeadLetter, from_headers

MAX = 64 * 1024
LIMITS = IntakeLimits(max_message_bytes=MAX, timeout_s=1.0)
Parked = list[tuple[bytes, DeadLetter]]


def _app(acceptor: Acceptor, written: list[Out]) -> web.Application:
    """The ingest view's steps as hub/app/web.py takes them, with Kafka replaced by the list `written`."""
    async def messages(request: web.Request) -> web.StreamResponse:
        received = await receive(request, LIMITS)
        if not isinstance(received, Body):
            return cast(web.StreamResponse, received)  # faust's Response is aiohttp's here
        reading = received.refusal or read_or_error(received.data, MAX)
        outcome, outs = decide_or_park(acceptor, received.data, reading, sender=lambda _author: True,
                                       seen=lambda _key, _id: None)
        written.extend(outs)
        if isinstance(outcome, Rejection):
            answer = rejected(outcome)
            return cast(web.StreamResponse, closing(answer) if received.partial else answer)
        assert isinstance(outcome, Accepted)
        return web.json_response({"case_id": outcome.case_id}, status=202)

    async def broken(request: web.Request) -> web.StreamResponse:
        personal = "Erika " + "Mustermann"  # a failure whose text holds personal data
        raise ValueError(personal)

    async def health(request: web.Request) -> web.StreamResponse:
        return web.json_response({"status": "ok"})

    app = web.Application(middlewares=[problem_for_unexpected_errors])
    app.router.add_post("/api/v1/messages", messages)
    app.router.add_get("/broken", broken)
    app.router.add_get("/healthz", health)
    return app


def _serve(routing: Routing, client: Callable[[int], Any]) -> tuple[Any, Parked]:
    """Run the edge server around the ingest view, and `client(port)` in a thread against it."""
    written: list[Out] = []

    async def main() -> Any:
        runner = EdgeRunner(_app(Acceptor(routing), written), limits=HeaderLimits(max_bytes=8190))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            return await asyncio.to_thread(client, runner.addresses[0][1])
        finally:
            await runner.cleanup()

    answer = asyncio.run(main())
    parked: Parked = []
    for out in written:
        if out.topic == routing.catalogue.deadletter:
            record = from_headers(out.headers, DEADLETTER_HEADER, DeadLetter)
            assert record is not None and out.value is not None
            parked.append((out.value, record))
    return answer, parked


def _post(body: bytes, **headers: str) -> Callable[[int], Answer]:
    return lambda port: call(port, "POST", "/api/v1/messages", headers=headers, body=body)


def test_an_oversized_authorization_header_is_answered_without_the_token_and_logged_without_it(
        routing: Routing, caplog: pytest.LogCaptureFixture) -> None:
    token = secrets.token_urlsafe(32)
    header = f"Bearer {token} " + "x" * (8200 - len(f"Bearer {token} "))
    assert len(header) == 8200
    with caplog.at_level(logging.DEBUG):
        answer, parked = _serve(routing, lambda port: call(port, "GET", "/healthz", headers={"Authorization": header}))
    assert (answer.status, answer.content_type) == (431, "application/problem+json")
    assert answer.body["code"] == "http.header_too_large"
    assert token not in answer.raw.decode() and token[:12] not in answer.raw.decode()
    assert token[:12] not in caplog.text and "Bearer" not in caplog.text
    assert "LineTooLong" in caplog.text  # the refusal is logged, by kind only
    assert parked == []


def test_a_malformed_request_line_gets_a_problem_document(routing: Routing) -> None:
    def client(port: int) -> bytes:
        import socket

        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")
            return sock.recv(65536)

    raw, _ = _serve(routing, client)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.") and b" 400 " in head.split(b"\r\n")[0]
    assert b"application/problem+json" in head and b"http.malformed_request" in body
    assert b"Bad Header Line" not in raw


def test_a_gzip_body_is_refused_uninflated_and_parked_as_sent(routing: Routing) -> None:
    bomb = gzip.compress(b"\0" * (32 * 1024 * 1024))  # 32 MiB inflated, some 32 KiB on the wire
    started = time.monotonic()
    answer, parked = _serve(routing, _post(bomb, **{"Content-Type": "application/xml", "Content-Encoding": "gzip"}))
    assert time.monotonic() - started < 5
    assert (answer.status, answer.body["code"]) == (415, "http.unsupported_encoding")
    assert [(value, record.reason_code) for value, record in parked] == [(bomb, "http.unsupported_encoding")]


def test_a_body_shorter_than_its_content_length_times_out_and_is_parked(routing: Routing) -> None:
    sent = b"<?xml version='1.0'?><x>"
    started = time.monotonic()
    answer, parked = _serve(routing, lambda port: call(port, "POST", "/api/v1/messages", body=sent,
                                                       headers={"Content-Type": "application/xml"},
                                                       content_length=5000))
    assert LIMITS.timeout_s <= time.monotonic() - started < LIMITS.timeout_s + 5
    assert (answer.status, answer.body["code"]) == (408, "http.body_timeout")
    assert f"{len(sent)} Bytes der angekündigten 5000" in answer.body["detail"]
    assert [(value, record.reason_code) for value, record in parked] == [(sent, "http.body_timeout")]


def test_a_wrong_content_type_is_refused_and_parked(routing: Routing, anmeldung_bensheim: bytes) -> None:
    answer, parked = _serve(routing, _post(anmeldung_bensheim, **{"Content-Type": "application/json"}))
    assert (answer.status, answer.body["code"]) == (415, "http.unsupported_media_type")
    assert [(value, record.reason_code) for value, record in parked] == [(anmeldung_bensheim,
                                                                          "http.unsupported_media_type")]


def test_a_body_over_twice_the_limit_is_refused_unread_and_not_stored(routing: Routing) -> None:
    for announced in (None, 2 * MAX + 1):
        body = b"<a>" + b"x" * (2 * MAX) + b"</a>"

        def client(port: int, announced: int | None = announced, body: bytes = body) -> Answer:
            return call(port, "POST", "/api/v1/messages", body=body, content_length=announced,
                        headers={"Content-Type": "application/xml"})

        answer, parked = _serve(routing, client)
        assert (answer.status, answer.body["code"], parked) == (413, "message.too_large", [])


def test_an_unexpected_failure_is_a_500_problem_without_its_text(routing: Routing,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        answer, _ = _serve(routing, lambda port: call(port, "GET", "/broken"))
    assert (answer.status, answer.content_type) == (500, "application/problem+json")
    assert answer.body["code"] == "hub.internal_error"
    assert "Mustermann" not in answer.raw.decode() and "Mustermann" not in caplog.text
    assert "ValueError" in caplog.text


def test_an_unexpected_failure_while_deciding_parks_the_message(routing: Routing, anmeldung_bensheim: bytes,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real = Acceptor.decide

    def failing_once(self: Acceptor, data: bytes, reading: Any, **kwargs: Any) -> Any:
        if not isinstance(reading, InternalError):
            personal = "Erika " + "Mustermann"
            raise KeyError(personal)
        return real(self, data, reading, **kwargs)

    monkeypatch.setattr(Acceptor, "decide", failing_once)
    answer, parked = _serve(routing, _post(anmeldung_bensheim, **{"Content-Type": "application/xml"}))
    assert (answer.status, answer.content_type, answer.body["code"]) == (500, "application/problem+json",
                                                                         "hub.internal_error")
    assert "Mustermann" not in answer.raw.decode()
    assert [(value, record.reason_code) for value, record in parked] == [(anmeldung_bensheim, "hub.internal_error")]
