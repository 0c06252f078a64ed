"""The benchmark run: every phase in order on one broker, each figure into `Results`; progress goes to `progress`.

Order: load generator ceiling, raw passthrough, a fresh `hub run` with the shipped directory (time to healthy,
RSS, the load phases per standard, the RSS checkpoints, kill -9 and restart), then a fresh `hub run` with the
generated nationwide directory. A phase that cannot run leaves its figures empty and says why in the notes.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from hub.app.factory import codelist_dir, load_routing
from hub.auth.tokens import add_token
from hub.bench.broker import Broker, broker, drop_topics
from hub.bench.errors import BenchError
from hub.bench.facts import load_average, machine_facts
from hub.bench.load import LoadGenerator
from hub.bench.messages import MessageFactory
from hub.bench.nationwide import generate
from hub.bench.options import BenchOptions
from hub.bench.passthrough import passthrough
from hub.bench.phases import HubSession
from hub.bench.report import TRADE, Results, StandardResult, Start
from hub.bench.selfcheck import ceiling
from hub.bench.table import duration
from hub.bench.tracker import Tracker
from hub.bench.watch import StatusWatcher
from hub.bench.worker import Deployment, Worker, work_dir
from hub.pipeline import plan, read
from hub.settings import Settings
from topics.catalogue import Catalogue

Progress = Callable[[str], None]
_CHECK_SUMMARY = re.compile(r"(\d+) municipalities .*?(\d+) authorities")


def _sizes(options: BenchOptions) -> str:
    checkpoints = ", ".join(f"{c:,}" for c in options.cases)
    return (f"{options.messages:,} messages per standard at saturation over {options.connections} connections; "
            f"{options.fixed_rate_messages:,} at {options.rate:,.0f} msg/s offered; passthrough "
            f"{options.passthrough_messages:,} per standard; RSS checkpoints at {checkpoints} cases")


class BenchRun:
    """The state of one run across its phases."""

    def __init__(self, options: BenchOptions, settings: Settings, kafka: Broker, work: Path, results: Results,
                 progress: Progress) -> None:
        self.options, self.settings, self.kafka, self.work = options, settings, kafka, work
        self.results, self.progress = results, progress
        self.prefixes: list[str] = [f"bench-{uuid.uuid4().hex[:12]}."]
        samples = settings.shared_dir / "samples"
        self.factories = {s: MessageFactory(samples, s) for s in dict.fromkeys((*options.standards, TRADE))}
        self.expected: dict[str, tuple[str, ...]] = {}
        self.authors: set[str] = set()
        routing = load_routing(settings)
        for factory in self.factories.values():
            for name, data in factory.template_bytes().items():
                reading = read(data, max_bytes=settings.max_message_bytes)
                self.expected[name] = tuple(d.recipient.key for d in plan(data, reading, routing))
                self.authors.add(reading.envelope.author)
        self.standards = {s: StandardResult(s, tuple(len(self.expected[name]) for name in
                                                     self.factories[s].template_bytes()))
                          for s in options.standards}
        results.standards = list(self.standards.values())

    async def all(self) -> None:
        """Every phase in turn; a phase that fails is named in the notes and the run goes on with the next."""
        if not self.options.skip_selfcheck:
            await self._guarded("load generator check", self.selfcheck())
        if not self.options.skip_passthrough:
            await self._guarded("passthrough", self.passthrough())
        await self._guarded("shipped directory", self.shipped())
        if not self.options.skip_nationwide:
            await self._guarded("nationwide directory", self.nationwide())

    async def _guarded(self, phase: str, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except BenchError as exc:
            self.progress(f"{phase} failed: {exc}")
            self.results.notes.append(f"{phase} failed: {str(exc).splitlines()[0]}")

    async def selfcheck(self) -> None:
        self.progress("load generator: measuring its ceiling against a trivial aiohttp server …")
        trade = MessageFactory(self.settings.shared_dir / "samples", TRADE)
        self.results.loadgen_ceiling = await ceiling(trade.messages(self.options.selfcheck_messages),
                                                     connections=self.options.connections)

    async def passthrough(self) -> None:
        catalogue = Catalogue(prefix=self.prefixes[0], partitions=self.settings.topic_partitions)
        for standard, result in self.standards.items():
            result.passthrough = await passthrough(
                self.kafka.bootstrap, catalogue, standard,
                self.factories[standard].messages(self.options.passthrough_messages),
                replication_factor=self.settings.replication_factor, progress=self.progress)

    async def _start(self, worker: Worker, detail: str = "") -> Start:
        """Time to healthy of a started worker; when it is not healthy in time, its last log line says how far
        it got."""
        seconds = await worker.healthy_after(self.options.start_timeout_s)
        if seconds is None:
            last = worker.log_tail(1).strip()[:160]
            detail = "; ".join(part for part in (detail, f"its last log line: {last}" if last else "") if part)
        return Start(seconds, self.options.start_timeout_s, detail)

    def _deployment(self, routing_dir: Path | None = None) -> Deployment:
        deployment = Deployment.new(self.kafka.bootstrap, self.work, routing_dir)
        self.prefixes += [deployment.topic_prefix, f"{deployment.app_id}-"]
        return deployment

    async def shipped(self) -> None:
        options, results = self.options, self.results
        deployment = self._deployment()
        token = add_token(deployment.tokens_file, "hub bench", tuple(sorted(self.authors)), all_cases=True)
        self.progress("hub run (shipped directory): starting on the running broker …")
        worker = Worker(deployment)
        try:
            results.fresh = await self._start(worker)
            seconds = results.fresh.seconds
            if seconds is None:
                results.notes.append("the hub with the shipped directory never became healthy: no load phases ran")
                return
            self.progress(f"hub run (shipped directory): healthy after {duration(seconds)}")
            tracker = Tracker()
            watcher = StatusWatcher(self.kafka.bootstrap, deployment.catalogue.status, tracker)
            await watcher.start()
            try:
                results.rss_before = worker.rss_bytes()
                async with LoadGenerator(deployment.base_url, token, connections=options.connections) as load:
                    session = HubSession(load, watcher, tracker, self.expected,
                                         alive=lambda: worker.process.poll() is None, progress=self.progress,
                                         drain_timeout_s=options.drain_timeout_s)
                    await self.load_phases(session)
                    results.rss_after, results.messages_sent = worker.rss_bytes(), session.sent
                    if not options.skip_cases:
                        await self.cases(session, worker)
                self._session_notes(session, tracker)
                if not options.skip_restart:
                    worker = await self.restart(worker, deployment, session.handled_cases(), session.in_progress())
            finally:
                await watcher.stop()
        finally:
            worker.stop()

    async def load_phases(self, session: HubSession) -> None:
        options = self.options
        for standard, result in self.standards.items():
            factory = self.factories[standard]
            if not options.skip_saturation:
                result.saturation = await session.run(f"{standard} at saturation", factory.messages(options.messages),
                                                      options.messages)
            if not options.skip_fixed_rate:
                count = options.fixed_rate_messages
                result.fixed = await session.run(f"{standard} at {options.rate:,.0f} msg/s",
                                                 factory.messages(count), count, rate=options.rate)

    async def cases(self, session: HubSession, worker: Worker) -> None:
        """Trade notifications, each a new case, until the worker has handled each checkpoint's number of cases."""
        for checkpoint in self.options.cases:
            needed = checkpoint - len(session.case_ids)
            if needed > 0:
                await session.run(f"cases up to {checkpoint:,}", self.factories[TRADE].messages(needed), needed)
            # the checkpoint counts only cases the worker has finished, not those still waiting on the ingest topic
            self.results.rss_cases.append((session.handled_cases(), worker.rss_bytes()))

    async def restart(self, worker: Worker, deployment: Deployment, cases: int, in_progress: int) -> Worker:
        self.progress("kill -9 of the worker, then a restart with the same data directory …")
        worker.kill()
        restarted = Worker(deployment)
        state = f"killed idle after {cases:,} cases" if not in_progress else (
            f"killed after {cases:,} cases with {in_progress:,} messages still in progress")
        self.results.restart = await self._start(restarted, state)
        return restarted

    def _session_notes(self, session: HubSession, tracker: Tracker) -> None:
        notes = self.results.notes
        for problem, count in session.problems.most_common():
            notes.append(f"not accepted: {count:,} × HTTP {problem}")
        if tracker.repeated:
            notes.append(f"{tracker.repeated:,} delivered events repeated one already seen for the same recipient")
        if tracker.unplanned:
            notes.append(f"{tracker.unplanned:,} delivered events named a recipient the routing plan does not")

    async def nationwide(self) -> None:
        options, results = self.options, self.results
        target = self.work / "routing-nationwide"
        generated = generate(self.settings.routing_dir, codelist_dir(self.settings), target)
        self.progress(f"nationwide directory ({len(generated.states)} states) written to {target}; "
                      "`hub config check` …")
        started = time.monotonic()
        try:
            check = await asyncio.to_thread(
                subprocess.run, [sys.executable, "-m", "hub.cli", "config", "check"], capture_output=True,
                text=True, timeout=options.start_timeout_s, check=False,
                env={**os.environ, "HUB_ROUTING_DIR": str(target)})
        except subprocess.TimeoutExpired:
            results.nationwide_check = f"no answer within {options.start_timeout_s:.0f} s"
            return
        took = duration(time.monotonic() - started)
        if check.returncode != 0:
            results.nationwide_check = f"refused after {took}: {(check.stderr or check.stdout).strip()[-200:]}"
            return
        found = _CHECK_SUMMARY.search(check.stdout)
        size = f"{int(found[1]):,} municipalities, {int(found[2]):,} authorities" if found else "see its output"
        results.nationwide_check = f"accepted in {took} ({size})"
        self.progress(f"nationwide directory accepted ({size}); hub run …")
        worker = Worker(self._deployment(target))
        try:
            results.nationwide = await self._start(worker, size)
        finally:
            worker.stop()


async def run_bench(options: BenchOptions, settings: Settings, progress: Progress) -> Results:
    """Run every phase `options` asks for and return what was measured."""
    with work_dir(options.work_dir, "hub-bench-") as work, broker(settings, work / "kafka", progress) as kafka:
        results = Results(title=machine_facts(kafka.description, _sizes(options)), connections=options.connections,
                          rate=options.rate)
        run = BenchRun(options, settings, kafka, work, results, progress)
        try:
            await run.all()
        finally:
            if not kafka.local:
                dropped = await asyncio.to_thread(drop_topics, kafka.bootstrap, tuple(run.prefixes))
                progress(f"deleted the run's {dropped} topics")
        results.notes.append(f"load average at end: {load_average()}")
        return results
