"""The lanes of webhook and folder recipients in one worker: per recipient, copies are tried one after the other, in
order, while the delivery stream goes on with everybody else.

A copy's source record is acknowledged (its offset may be committed) only once its outcome is durable: delivered,
forwarded to the retry stream, or parked. Per recipient there are two queues, one for copies from the delivery stream
and one for copies from the retry stream, each worked by its own task; the lane state in the table decides between
them (see `lanes.next_action`). Tasks exist only while a recipient has copies in hand, so their number follows the
recipients with traffic, not the directory.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hub.delivery.attempts import ChannelClient
from hub.delivery.channels import FolderChannel, WebhookChannel
from hub.delivery.lanes import Action, Lane, next_action
from hub.delivery.reasons import reason_code
from hub.delivery.retry import RetryPolicy
from hub.delivery.served import Attempt, ServedDelivery, ServedState
from hub.ingest.records import Origin, Out
from hub.logs import events
from hub.routing.directory import Directory
from monitoring.metrics import delivery_outcome
from topics.envelope import Envelope

log = logging.getLogger(__name__)

Produce = Callable[[list[Out]], Awaitable[None]]
DEFAULT_MAX_ATTEMPTS = 6


@dataclass
class Copy:
    """A copy in a lane, with the hooks to file its outcome against its source record."""

    payload: bytes
    envelope: Envelope | None
    attempt: Attempt
    from_retry: bool
    bind: Callable[[], None]  # makes the source record current, so table writes land in its partition
    settle: Callable[[], Awaitable[None]]  # acknowledges the source record
    origin: Origin | None = None  # the source record, named on the steps it causes

    @property
    def recipient(self) -> str:
        return self.attempt.recipient


@dataclass
class _Recipient:
    direct: deque[Copy] = field(default_factory=deque)
    retry: deque[Copy] = field(default_factory=deque)
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)


class LaneRunner:
    """Works the lanes; `submit` copies, `stop` on shutdown (unsettled copies are processed again after a restart)."""

    def __init__(self, stage: ServedDelivery, state: ServedState, client: ChannelClient, directory: Directory,
                 produce: Produce, *, retry_base_s: float, retry_max_delay_s: float, max_waiting: int = 50,
                 max_in_hand: int = 5000, clock: Callable[[], float] = time.time,
                 rng: random.Random | None = None, setup: Callable[[], object] = lambda: None) -> None:
        self.stage = stage
        self.state = state
        self.client = client
        self.directory = directory
        self.produce = produce
        self.retry_base_s = retry_base_s
        self.retry_max_delay_s = max(retry_max_delay_s, retry_base_s)
        self.max_waiting = max_waiting
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311  (spreads retries; no secret depends on it)
        self.setup = setup  # run at the start of each lane task (the worker opens the task's table journal)
        self._recipients: dict[str, _Recipient] = {}
        self._room = asyncio.Semaphore(max_in_hand)
        self._stopping = asyncio.Event()

    def policy(self, channel: WebhookChannel | FolderChannel) -> RetryPolicy:
        attempts = channel.max_attempts if isinstance(channel, WebhookChannel) else DEFAULT_MAX_ATTEMPTS
        return RetryPolicy(base_s=self.retry_base_s, max_delay_s=self.retry_max_delay_s, max_attempts=attempts)

    def in_hand(self, recipient: str) -> int:
        lanes = self._recipients.get(recipient)
        return len(lanes.direct) + len(lanes.retry) if lanes else 0

    async def submit(self, copy: Copy) -> None:
        """Queue a copy in its recipient's lane; waits while the worker holds too many copies already."""
        await self._room.acquire()
        lanes = self._recipients.setdefault(copy.recipient, _Recipient())
        queue, kind = (lanes.retry, "retry") if copy.from_retry else (lanes.direct, "direct")
        queue.append(copy)
        if kind not in lanes.tasks:
            work = self._work_retry if copy.from_retry else self._work_direct
            lanes.tasks[kind] = asyncio.create_task(self._run(copy.recipient, kind, work),
                                                    name=f"lane-{kind}-{copy.recipient}")

    async def stop(self) -> None:
        self._stopping.set()
        tasks = [t for lanes in self._recipients.values() for t in lanes.tasks.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._recipients.clear()

    async def _run(self, recipient: str, kind: str, work: Callable[[str, deque[Copy]], Awaitable[None]]) -> None:
        lanes = self._recipients[recipient]
        queue = lanes.retry if kind == "retry" else lanes.direct
        self.setup()
        try:
            while queue:
                await work(recipient, queue)
                queue.popleft()
                self._room.release()
        except asyncio.CancelledError:
            raise
        except Exception:  # a lane must never die silently with copies in hand; they are processed after restart
            log.exception("lane %s of %s stopped", kind, recipient)
        finally:
            lanes.tasks.pop(kind, None)
            if not lanes.tasks and not lanes.direct and not lanes.retry:
                self._recipients.pop(recipient, None)

    def _channel(self, recipient: str) -> WebhookChannel | FolderChannel | None:
        authority = self.directory.authority(recipient)
        channel = authority.delivery if authority else None
        return channel if isinstance(channel, WebhookChannel | FolderChannel) else None

    async def _work_direct(self, recipient: str, queue: deque[Copy]) -> None:
        copy = queue[0]
        copy.bind()
        lane = self.state.lane(recipient)
        given = self.state.given(recipient, copy.attempt.message_id)
        action = next_action(lane, given=given, from_retry=False, waiting_behind=len(queue) - 1,
                             max_waiting=self.max_waiting, replay=copy.attempt.replay)
        channel = self._channel(recipient)
        if action is Action.SKIP:
            await self._given_before(copy, channel)
            return
        if action is Action.FORWARD or channel is None:
            await self._forward(copy, lane)
            return
        error = await self._attempt(copy, channel)
        copy.bind()
        lane = self.state.lane(recipient)
        if error is None:
            await self._delivered(copy, lane, channel)
            return
        attempt = copy.attempt.model_copy(update={"attempts": copy.attempt.attempts + 1, "last_error": error})
        lane = self._failed(lane, error, attempt)
        copy.attempt = attempt
        if self.policy(channel).exhausted(attempt.attempts):
            self.state.keep_lane(recipient, lane)
            await self._give_up(copy)
            return
        await self._forward(copy, lane)

    async def _work_retry(self, recipient: str, queue: deque[Copy]) -> None:
        copy = queue[0]
        while True:
            copy.bind()
            lane = self.state.lane(recipient)
            channel = self._channel(recipient)
            if self.state.given(recipient, copy.attempt.message_id) and not copy.attempt.replay:
                self.state.keep_lane(recipient, lane.settled(copy.attempt.seq))
                await self._given_before(copy, channel)
                return
            if channel is None:  # the channel was changed to one the lanes do not serve: park, nothing is lost
                self.state.keep_lane(recipient, lane.settled(copy.attempt.seq))
                await self._give_up(copy)
                return
            wait = lane.next_attempt_at - self.clock()
            if wait > 0:
                await asyncio.sleep(min(wait, self.retry_max_delay_s))
            error = await self._attempt(copy, channel)
            copy.bind()
            lane = self.state.lane(recipient)
            if error is None:
                await self._delivered(copy, lane, channel)
                return
            copy.attempt = copy.attempt.model_copy(update={"attempts": copy.attempt.attempts + 1,
                                                           "last_error": error})
            lane = self._failed(lane, error, copy.attempt)
            if self.policy(channel).exhausted(copy.attempt.attempts):
                self.state.keep_lane(recipient, lane.settled(copy.attempt.seq))
                await self._give_up(copy)
                return
            self.state.keep_lane(recipient, lane)

    async def _attempt(self, copy: Copy, channel: WebhookChannel | FolderChannel) -> str | None:
        """One attempt, with its log line and, when it failed, its count; the error text or None."""
        attempt = copy.attempt
        error = await self.client.attempt(channel, attempt.recipient, attempt.message_id, attempt.case_id,
                                          copy.payload)
        events.delivery_attempt(case_id=attempt.case_id, message_id=attempt.message_id, standard=attempt.standard,
                                recipient=attempt.recipient, channel=channel.channel, attempt=attempt.attempts + 1,
                                delivered=error is None, reason=reason_code(error) if error else None)
        if error is not None:
            delivery_outcome(attempt.recipient, channel.channel, "failed")
        return error

    def _failed(self, lane: Lane, error: str, attempt: Attempt) -> Lane:
        policy = RetryPolicy(base_s=self.retry_base_s, max_delay_s=self.retry_max_delay_s)
        delay = policy.delay(min(lane.failures + 1, 64), self.rng)
        return lane.failed(error, datetime.now(UTC), self.clock(), delay)

    async def _forward(self, copy: Copy, lane: Lane) -> None:
        lane, seq = lane.forwarded()
        self.state.keep_lane(copy.recipient, lane)
        await self.produce([self.stage.forward(copy.payload, copy.envelope,
                                               copy.attempt.model_copy(update={"seq": seq}))])
        await copy.settle()

    async def _given_before(self, copy: Copy, channel: WebhookChannel | FolderChannel | None) -> None:
        """A copy the recipient has already: not given again, but its steps are filed again."""
        attempt = copy.attempt
        steps = self.stage.refile(self.state, attempt.recipient, attempt.message_id, attempt.case_id,
                                  attempt.standard, origin=copy.origin.label if copy.origin else None,
                                  channel=channel.channel if channel else None)
        if steps:
            await self.produce(steps)
        await copy.settle()

    async def _delivered(self, copy: Copy, lane: Lane, channel: WebhookChannel | FolderChannel) -> None:
        seq = copy.attempt.seq if copy.from_retry else None
        self.state.keep_lane(copy.recipient, lane.succeeded(datetime.now(UTC), seq))
        await self.produce(self.stage.delivered(self.state, copy.attempt, channel=channel.channel,
                                                acknowledged=isinstance(channel, WebhookChannel), origin=copy.origin))
        await copy.settle()

    async def _give_up(self, copy: Copy) -> None:
        events.parked(reason="delivery.failed", stage="delivery", case_id=copy.attempt.case_id,
                      message_id=copy.attempt.message_id, standard=copy.attempt.standard, recipient=copy.recipient,
                      attempt=copy.attempt.attempts)
        channel = self._channel(copy.recipient)
        await self.produce(self.stage.give_up(copy.payload, copy.attempt, channel.channel if channel else None))
        await copy.settle()
