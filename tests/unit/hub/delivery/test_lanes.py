"""The lanes of served recipients without a broker: order per recipient, isolation, retry, giving up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hub.delivery.channels import WebhookChannel
from hub.delivery.lanes import Action, Lane, next_action
from hub.delivery.runner import Copy, LaneRunner
from hub.delivery.served import DELIVERY_HEADER, Attempt, MemoryServedState, ServedDelivery
from hub.ingest.records import Origin, Out
from hub.routing.directory import Authority, Directory
from topics.catalogue import Catalogue
from topics.envelope import Envelope, StatusEvent, from_headers

CATALOGUE = Catalogue(prefix="t.")
A, B = "xga:06431000", "xga:06000000"


def _directory(max_attempts: int = 3) -> Directory:
    def webhook(path: str) -> WebhookChannel:
        return WebhookChannel(channel="webhook", url=f"http://recipient.example/{path}", secret="s",
                              max_attempts=max_attempts)

    return Directory([], [Authority(key=A, name="A", role="gewerbeaufsicht", serves=("06431",), delivery=webhook("a")),
                          Authority(key=B, name="B", role="statistik", serves=("06",), delivery=webhook("b"))])


class FakeClient:
    """Answers attempts as scripted per recipient; records the order of attempted message ids."""

    def __init__(self, answer: Callable[[str, str], str | None]) -> None:
        self.answer = answer
        self.attempted: list[tuple[str, str]] = []
        self.gate: dict[str, asyncio.Event] = {}

    async def attempt(self, _channel: Any, recipient: str, message_id: str, _case_id: str, _payload: bytes
                      ) -> str | None:
        self.attempted.append((recipient, message_id))
        if recipient in self.gate:
            await self.gate[recipient].wait()
        return self.answer(recipient, message_id)


class Harness:
    def __init__(self, answer: Callable[[str, str], str | None], *, max_attempts: int = 3,
                 max_waiting: int = 50) -> None:
        self.state = MemoryServedState()
        self.client = FakeClient(answer)
        self.produced: list[Out] = []
        self.settled: list[str] = []
        self.all_settled = asyncio.Event()
        self.expected = 0

        async def produce(outs: list[Out]) -> None:
            self.produced += outs

        self.runner = LaneRunner(ServedDelivery(CATALOGUE), self.state, self.client,  # type: ignore[arg-type]
                                 _directory(max_attempts), produce, retry_base_s=0.01, retry_max_delay_s=0.02,
                                 max_waiting=max_waiting)

    def copy(self, recipient: str, message_id: str, *, from_retry: bool = False,
             attempt: Attempt | None = None) -> Copy:
        async def settle() -> None:
            self.settled.append(message_id)
            if len(self.settled) >= self.expected:
                self.all_settled.set()

        envelope = Envelope(case_id=f"case-{message_id}", message_id=message_id, standard="XGewerbeanzeige",
                            version="2.1", message_type="0300", kinds=("anmeldung",), author="MELDID:06431002",
                            reader="ihk:06411000", ags="06431002", occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
                            recipient=recipient)
        first = attempt or Attempt.first(envelope, recipient, Origin("t.hub.delivery", 0, 1))
        return Copy(payload=f"<m id='{message_id}'/>".encode(), envelope=envelope, attempt=first,
                    from_retry=from_retry, bind=lambda: None, settle=settle)

    async def run(self, copies: list[Copy]) -> None:
        self.expected = len(self.settled) + len(copies)
        self.all_settled.clear()
        for copy in copies:
            await self.runner.submit(copy)
        await asyncio.wait_for(self.all_settled.wait(), timeout=10)

    def statuses(self) -> list[StatusEvent]:
        return [StatusEvent.model_validate_json(o.value or b"") for o in self.produced
                if o.topic == CATALOGUE.status]

    def forwarded(self) -> list[tuple[str, Attempt]]:
        found = []
        for out in self.produced:
            if out.topic == CATALOGUE.delivery_retry:
                attempt = from_headers(out.headers, DELIVERY_HEADER, Attempt)
                assert attempt is not None
                found.append((out.key.decode(), attempt))
        return found


def test_next_action_decides_each_copy() -> None:
    healthy, failing = Lane(), Lane(in_retry=True, enqueued=3)
    assert next_action(healthy, given=True, from_retry=False, waiting_behind=0, max_waiting=5) is Action.SKIP
    assert next_action(healthy, given=True, from_retry=False, waiting_behind=0, max_waiting=5,
                       replay=True) is Action.ATTEMPT
    assert next_action(healthy, given=False, from_retry=False, waiting_behind=0, max_waiting=5) is Action.ATTEMPT
    assert next_action(failing, given=False, from_retry=False, waiting_behind=0, max_waiting=5) is Action.FORWARD
    assert next_action(failing, given=False, from_retry=True, waiting_behind=0, max_waiting=5) is Action.ATTEMPT
    assert next_action(healthy, given=False, from_retry=False, waiting_behind=6, max_waiting=5) is Action.FORWARD


def test_retry_mode_ends_with_the_last_copy_sent_to_the_retry_stream() -> None:
    lane, first = Lane().forwarded()
    lane, second = lane.forwarded()
    assert (first, second, lane.in_retry) == (1, 2, True)
    assert lane.succeeded(datetime.now(UTC), seq=1).in_retry  # a newer copy still waits there
    assert not lane.succeeded(datetime.now(UTC), seq=2).in_retry
    assert not lane.settled(2).in_retry and lane.settled(1).in_retry


def test_the_retry_backlog_counts_the_copies_sent_there_and_not_yet_dealt_with() -> None:
    lane = Lane()
    for _ in range(3):
        lane, _seq = lane.forwarded()
    assert lane.retry_waiting == 3
    lane = lane.failed("HTTP 503", datetime.now(UTC), 0.0, 1.0)  # an attempt that failed leaves it waiting
    assert lane.retry_waiting == 3
    lane = lane.succeeded(datetime.now(UTC), seq=1)
    assert lane.retry_waiting == 2
    lane = lane.settled(2)  # parked after its last attempt
    assert lane.retry_waiting == 1
    lane = lane.succeeded(datetime.now(UTC), seq=3)
    assert (lane.retry_waiting, lane.in_retry) == (0, False)
    assert lane.succeeded(datetime.now(UTC)).retry_waiting == 0  # a direct delivery changes nothing


def test_a_healthy_recipient_is_given_its_copies_in_order_each_once() -> None:
    async def scenario() -> Harness:
        harness = Harness(lambda _r, _m: None)
        await harness.run([harness.copy(A, f"m{i}") for i in range(5)])
        await harness.run([harness.copy(A, "m2")])  # processed again after a crash: already given
        return harness

    harness = asyncio.run(scenario())
    assert harness.client.attempted == [(A, f"m{i}") for i in range(5)]  # m2 is not sent again
    # its steps are filed again: the first time's status records may have been lost in the crash
    assert [(s.status, s.message_id) for s in harness.statuses() if s.recipient == A] == \
        [(status, f"m{i}") for i in [0, 1, 2, 3, 4, 2] for status in ("delivered", "accepted")]
    assert harness.settled == [*(f"m{i}" for i in range(5)), "m2"]


def test_a_failing_recipient_keeps_its_order_on_the_retry_stream_and_holds_up_nobody() -> None:
    async def scenario() -> Harness:
        harness = Harness(lambda recipient, _m: "HTTP 503" if recipient == A else None)
        harness.client.gate[A] = asyncio.Event()  # A's system hangs in its first call
        copies = [harness.copy(A, "a1"), harness.copy(B, "b1"), harness.copy(A, "a2"), harness.copy(B, "b2"),
                  harness.copy(A, "a3")]
        harness.expected = len(copies)
        for copy in copies:
            await harness.runner.submit(copy)
        while harness.settled.count("b2") == 0:  # B is served while A's call still hangs
            await asyncio.sleep(0)
        assert not any(m.startswith("a") for m in harness.settled)
        harness.client.gate[A].set()
        await asyncio.wait_for(harness.all_settled.wait(), timeout=10)
        return harness

    harness = asyncio.run(scenario())
    assert [(s.status, s.message_id) for s in harness.statuses() if s.recipient == B] == \
        [("delivered", "b1"), ("accepted", "b1"), ("delivered", "b2"), ("accepted", "b2")]
    forwarded = harness.forwarded()
    assert [(r, a.message_id, a.seq, a.attempts) for r, a in forwarded] == \
        [(A, "a1", 1, 1), (A, "a2", 2, 0), (A, "a3", 3, 0)]  # only the first was tried; the rest queued behind it
    assert harness.client.attempted.count((A, "a1")) == 1 and (A, "a2") not in harness.client.attempted
    assert harness.state.lane(A).in_retry and harness.state.lane(A).enqueued == 3


def test_copies_from_the_retry_stream_are_delivered_in_order_and_end_retry_mode() -> None:
    healed: set[str] = set()

    async def scenario() -> Harness:
        harness = Harness(lambda _r, message_id: None if message_id in healed else "connection refused")
        await harness.run([harness.copy(A, "a1"), harness.copy(A, "a2")])
        healed.update({"a1", "a2"})  # the recipient's system is back
        retries = [harness.copy(A, attempt.message_id, from_retry=True, attempt=attempt)
                   for _r, attempt in harness.forwarded()]
        await harness.run(retries)
        return harness

    harness = asyncio.run(scenario())
    delivered = [s.message_id for s in harness.statuses() if s.status == "delivered"]
    assert delivered == ["a1", "a2"]
    assert not harness.state.lane(A).in_retry and harness.state.lane(A).failures == 0


def test_a_copy_is_parked_after_its_last_attempt_and_the_case_shows_failed() -> None:
    async def scenario() -> Harness:
        harness = Harness(lambda _r, _m: "timeout after 2.0 s", max_attempts=2)
        await harness.run([harness.copy(A, "a1")])
        [(_r, attempt)] = harness.forwarded()
        await harness.run([harness.copy(A, "a1", from_retry=True, attempt=attempt)])
        return harness

    harness = asyncio.run(scenario())
    parked = [o for o in harness.produced if o.topic == CATALOGUE.deadletter]
    assert len(parked) == 1 and parked[0].value == b"<m id='a1'/>"
    failed = [s for s in harness.statuses() if s.status == "failed"]
    assert len(failed) == 1 and "timeout after 2.0 s" in (failed[0].reason or "")
    assert not harness.state.lane(A).in_retry  # the parked copy was the last one in the retry stream


def test_a_recipient_too_slow_to_keep_up_has_its_backlog_moved_to_the_retry_stream() -> None:
    async def scenario() -> Harness:
        harness = Harness(lambda _r, _m: None, max_waiting=2)
        harness.client.gate[A] = asyncio.Event()
        copies = [harness.copy(A, f"a{i}") for i in range(6)]
        harness.expected = len(copies)
        await harness.runner.submit(copies[0])
        while not harness.client.attempted:  # a0 is on its way to the slow system
            await asyncio.sleep(0)
        for copy in copies[1:]:
            await harness.runner.submit(copy)
        harness.client.gate[A].set()
        await asyncio.wait_for(harness.all_settled.wait(), timeout=10)
        return harness

    harness = asyncio.run(scenario())
    # a0 was in flight and got through; a1 found 4 copies behind it and went to the retry stream, the rest after it
    assert harness.client.attempted == [(A, "a0")]
    assert [a.message_id for _r, a in harness.forwarded()] == ["a1", "a2", "a3", "a4", "a5"]
