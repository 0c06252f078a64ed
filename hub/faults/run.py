"""One fault run: its broker, recipient, hub and load; the faults during the load; then, once everything settled,
what the recipients and the timelines show, judged.

Order: the broker on free ports; the routing data with the webhook recipient; the messages and their planned
recipients; `hub run`; the status watcher; the load at a steady rate with the faults beside it; the drain (every
planned recipient has a `delivered` event and the webhook recipient has every copy, or the drain timeout); then
the inboxes and timelines read over the API until nothing is missing (or the drain timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hub.app.factory import load_routing
from hub.bench.errors import BenchError
from hub.bench.facts import machine_facts
from hub.bench.load import Answer
from hub.bench.messages import Generated, MessageFactory
from hub.bench.tracker import Tracker
from hub.bench.watch import PROGRESS_EVERY_S, StatusWatcher
from hub.bench.worker import Deployment, free_ports, work_dir
from hub.delivery.channels import DeliveryChannel, InboxChannel, WebhookChannel
from hub.faults.broker import Broker
from hub.faults.collect import ApiReader
from hub.faults.deployment import Tokens, serve_by_webhook, tokens, worker_settings
from hub.faults.errors import FaultSuiteError
from hub.faults.load import RetryingLoad, taken
from hub.faults.options import FaultOptions
from hub.faults.recipient import WebhookRecipient, path_of, webhook_recipient
from hub.faults.report import FaultResult
from hub.faults.schedule import plan as schedule
from hub.faults.strike import Hub, Striker
from hub.faults.verdict import Observations, Sent, Verdict, judge
from hub.pipeline import plan, read
from hub.settings import Settings

Progress = Callable[[str], None]
TRADE = "XGewerbeanzeige"
RECHECK_S = 3.0  # pause between two reads of everything while something is still missing


class FaultRun:
    """The state of one run from set-up to verdict."""

    def __init__(self, options: FaultOptions, settings: Settings, seed: int, broker: Broker, work: Path,
                 progress: Progress) -> None:
        self.options, self.settings, self.seed, self.broker, self.work = options, settings, seed, broker, work
        self.progress = progress
        self.port = free_ports(1)[0]
        recipient = options.webhook_recipient
        self.served = serve_by_webhook(settings.routing_dir, work / "routing", recipient,
                                       f"http://127.0.0.1:{self.port}{path_of(recipient)}", options.webhook_attempts)
        self.routing = load_routing(settings.model_copy(update={"routing_dir": self.served.routing_dir}))
        factory = MessageFactory(settings.shared_dir / "samples", TRADE)
        self.messages = list(factory.messages(options.messages))
        self.planned: dict[str, tuple[str, ...]] = {}
        authors: set[str] = set()
        for message in self.messages:
            reading = read(message.body, max_bytes=settings.max_message_bytes)
            self.planned[message.message_id] = tuple(d.recipient.key for d in
                                                     plan(message.body, reading, self.routing))
            authors.add(reading.envelope.author)
        self.authors = tuple(sorted(authors))
        recipients = dict.fromkeys(r for planned in self.planned.values() for r in planned)
        self.channels = {r: channel.channel if (channel := self._delivery(r)) else "?" for r in recipients}
        if not isinstance(self._delivery(recipient), WebhookChannel):
            raise FaultSuiteError("routing data", f"{recipient} receives none of the messages by webhook")
        self.inboxes = tuple(r for r in recipients if isinstance(self._delivery(r), InboxChannel))

    def _delivery(self, recipient: str) -> DeliveryChannel | None:
        authority = self.routing.directory.authority(recipient)
        return authority.delivery if authority is not None else None

    async def execute(self, recipient: WebhookRecipient) -> FaultResult:
        options = self.options
        deployment = Deployment.new(self.broker.bootstrap, self.work, self.served.routing_dir, label="faults",
                                    settings=worker_settings(self.served, options.retry_base_s,
                                                             options.retry_max_delay_s))
        self.broker.prefixes += [deployment.topic_prefix, f"{deployment.app_id}-"]
        keys = tokens(deployment, self.authors, self.inboxes)
        self.progress(f"hub run: starting (data {deployment.data_dir}) …")
        hub = Hub(deployment, options.start_timeout_s)
        try:
            seconds = await hub.healthy("first start")
            self.progress(f"hub run: healthy after {seconds:.1f} s")
            tracker = Tracker()
            watcher = StatusWatcher(self.broker.bootstrap, deployment.catalogue.status, tracker)
            await watcher.start()
            try:
                return await self._load_and_judge(hub, keys, recipient, watcher, tracker)
            finally:
                await watcher.stop()
        finally:
            hub.stop()

    async def _load_and_judge(self, hub: Hub, keys: Tokens, recipient: WebhookRecipient, watcher: StatusWatcher,
                              tracker: Tracker) -> FaultResult:
        options = self.options
        faults = schedule(options.load_s, kills=options.kills, broker_restart=options.broker_restart,
                          webhook_outage_s=options.webhook_outage_s, seed=self.seed)
        striker = Striker(hub, self.broker, recipient, self.progress)

        def expect(message: Generated) -> None:
            tracker.expect(message.message_id, self.planned[message.message_id])

        self.progress(f"load: {options.messages:,} trade notifications at {options.rate:,.0f}/s "
                      f"(about {options.load_s:,.0f} s), {len(faults.worker)} worker faults, seed {self.seed}")
        async with RetryingLoad(hub.deployment.base_url, keys.sender, connections=options.connections,
                                give_up_after_s=options.post_timeout_s) as load:
            striker.started = time.monotonic()
            reporter = asyncio.create_task(self._report(load, watcher))
            try:
                answers, *_ = await asyncio.gather(load.at_rate(self.messages, options.rate, expect),
                                                   striker.worker_faults(faults.worker),
                                                   striker.webhook_faults(faults.webhook))
            finally:
                reporter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reporter
            retries = load.retries
        accepted = [a for a in answers if taken(a)]
        self.progress(f"load done: {len(accepted):,} of {len(answers):,} accepted; draining …")
        verdict, settled = await self._settle(hub, keys, recipient, watcher, accepted)
        return FaultResult(
            title=machine_facts(self.broker.description, self._sizes(), tool="hub faults"), seed=self.seed,
            posted=len(answers), rate=options.rate, retries=retries,
            not_accepted=Counter(f"{a.status} {a.problem}" for a in answers if not taken(a)),
            channels=self.channels, verdict=verdict, status_repeats=tracker.repeated, settled_s=settled,
            drain_timeout_s=options.drain_timeout_s, events=striker.events,
            notes=[f"work folder: {self.work}"] if options.work_dir else [])

    def _sizes(self) -> str:
        o = self.options
        outage = f"webhook {o.webhook_recipient} down {o.webhook_outage_s:,.0f} s" if o.webhook_outage_s else \
            "no webhook outage"
        return (f"{o.messages:,} trade notifications at {o.rate:,.0f}/s; {o.kills} × kill -9, "
                f"{'1 broker restart' if o.broker_restart else 'no broker restart'}, {outage}; seed {self.seed}; "
                f"webhook max_attempts {o.webhook_attempts}, retry {o.retry_base_s:g}–{o.retry_max_delay_s:g} s")

    async def _report(self, load: RetryingLoad, watcher: StatusWatcher) -> None:
        while True:
            await asyncio.sleep(PROGRESS_EVERY_S)  # the progress line's interval
            self.progress(f"load: {load.answered:,} of {self.options.messages:,} answered ({load.accepted:,} "
                          f"accepted), {load.retries:,} sent again; {watcher.completed:,} have every recipient's "
                          "delivered event")

    async def _settle(self, hub: Hub, keys: Tokens, recipient: WebhookRecipient, watcher: StatusWatcher,
                      accepted: list[Answer]) -> tuple[Verdict, float | None]:
        """Wait until everything is there, then read it all; again while something is missing, until the drain
        timeout. The verdict of the last reading, and how long settling took (None: not within the timeout)."""
        began = time.monotonic()
        deadline = began + self.options.drain_timeout_s
        try:
            left = await watcher.wait_for([a.message_id for a in accepted], self.options.drain_timeout_s,
                                          label="drain", progress=self.progress, alive=hub.alive)
        except BenchError as exc:
            raise FaultSuiteError("drain", exc.detail) from exc
        if left:
            self.progress(f"drain: {len(left):,} messages lack a recipient's delivered event after "
                          f"{self.options.drain_timeout_s:.0f} s")
        reader = ApiReader(hub.deployment.base_url, keys.reader)
        sent = [Sent(a.message_id, a.case_id or "", self.planned[a.message_id]) for a in accepted]
        while True:
            verdict = judge(await self._observe(reader, recipient, sent))
            if not verdict.missing and not verdict.gaps:
                return verdict, time.monotonic() - began
            if time.monotonic() + RECHECK_S > deadline:
                return verdict, None
            self.progress(f"settling: {len(verdict.missing):,} deliveries missing, {len(verdict.gaps):,} timelines "
                          "incomplete; reading again")
            await asyncio.sleep(RECHECK_S)  # the pause between two polls of the API

    async def _observe(self, reader: ApiReader, recipient: WebhookRecipient, sent: list[Sent]) -> Observations:
        inboxes = {inbox: await reader.inbox(inbox) for inbox in self.inboxes}
        timelines, unreadable = await reader.timelines(s.case_id for s in sent)
        return Observations(sent=sent, channels=self.channels, inboxes=inboxes, webhook=recipient.calls(),
                            timelines=timelines, unreadable=unreadable)


async def run_faults(options: FaultOptions, settings: Settings, progress: Progress) -> FaultResult:
    """Run the fault suite as `options` ask and return what it found; FaultSuiteError when a step cannot run."""
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2 ** 31)
    with work_dir(options.work_dir, "hub-faults-") as work:
        broker = Broker(settings, work / "kafka", progress)
        notes: list[str] = []
        if options.broker_restart and not broker.local:
            options = replace(options, broker_restart=False)
            notes.append(f"no broker restart: the run uses {broker.description}, which the suite never stops")
            progress(notes[-1])
        try:
            await broker.start()
            run = FaultRun(options, settings, seed, broker, work, progress)
            with webhook_recipient(run.port, {options.webhook_recipient: run.served.secret}) as recipient:
                result = await run.execute(recipient)
        finally:
            await asyncio.to_thread(broker.close)
    result.notes[:0] = notes
    return result
