"""Striking the planned faults at their moments and recording each as it happened.

The worker's faults are struck one after the other: a kill -9 of the worker's process group followed by a restart
on the same data directory, or a broker stop and start while the worker runs; each waits until the worker is
healthy again. The webhook outage runs beside them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from hub.bench.errors import BenchError
from hub.bench.worker import Deployment, Worker
from hub.faults.broker import Broker
from hub.faults.errors import FaultSuiteError
from hub.faults.recipient import Mode, WebhookRecipient
from hub.faults.report import Event
from hub.faults.schedule import Fault, Planned

Progress = Callable[[str], None]
WEBHOOK_MODES = {Fault.WEBHOOK_503: Mode.UNAVAILABLE, Fault.WEBHOOK_REFUSING: Mode.REFUSING,
                 Fault.WEBHOOK_UP: Mode.UP}


class Hub:
    """The deployment's current worker process, replaced on every restart."""

    def __init__(self, deployment: Deployment, start_timeout_s: float) -> None:
        self.deployment = deployment
        self.start_timeout_s = start_timeout_s
        self.worker = Worker(deployment)

    def alive(self) -> bool:
        return self.worker.process.poll() is None

    async def healthy(self, step: str) -> float:
        """Wait until the current worker answers /healthz with 200; the seconds it took from now."""
        began = time.monotonic()
        try:
            at = await self.worker.healthy_by(began + self.start_timeout_s)
        except BenchError as exc:
            raise FaultSuiteError(step, exc.detail) from exc
        if at is None:
            raise FaultSuiteError(step, f"the worker was not healthy within {self.start_timeout_s:.0f} s; its log "
                                        f"ends:\n{self.worker.log_tail()}")
        return at - began

    async def kill_and_restart(self) -> tuple[int, float]:
        """kill -9 of the worker's process group, a new worker on the same data; its pid and seconds to healthy."""
        pid = self.worker.pid
        self.worker.kill()
        self.worker = Worker(self.deployment)
        return pid, await self.healthy("restart after kill -9")

    def stop(self) -> None:
        self.worker.stop()


class Striker:
    """Strikes the faults against `hub`, `broker` and `recipient`; `events` lists them as they happened."""

    def __init__(self, hub: Hub, broker: Broker, recipient: WebhookRecipient, progress: Progress) -> None:
        self.hub, self.broker, self.recipient, self.progress = hub, broker, recipient, progress
        self.events: list[Event] = []
        self.started = time.monotonic()

    def _record(self, at: float, what: str, detail: str) -> None:
        """A fault struck at monotonic time `at` (its clock time too, not that of its end)."""
        clock = (datetime.now(UTC) - timedelta(seconds=time.monotonic() - at)).strftime("%H:%M:%S")
        event = Event(round(at - self.started, 1), clock, what, detail)
        self.events.append(event)
        self.progress(f"fault at +{event.at_s:.1f} s: {what}: {detail}")

    async def _until(self, planned: Planned) -> None:
        delay = self.started + planned.at_s - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)  # the schedule's moment, not a wait for anything

    async def worker_faults(self, planned: Sequence[Planned]) -> None:
        for fault in planned:
            await self._until(fault)
            at = time.monotonic()
            if fault.fault is Fault.KILL:
                pid, seconds = await self.hub.kill_and_restart()
                self._record(at, fault.fault.value, f"pid {pid} and its children; the restarted worker was healthy "
                                                    f"{seconds:.1f} s later")
            elif fault.fault is Fault.BROKER:
                await self.broker.stop()
                stopped = time.monotonic()
                await self.broker.start()
                back = time.monotonic()
                seconds = await self.hub.healthy("worker after the broker restart")
                self._record(at, fault.fault.value, f"stopped in {stopped - at:.1f} s, started again in "
                                                    f"{back - stopped:.1f} s; the worker was healthy {seconds:.1f} s "
                                                    "after that")

    async def webhook_faults(self, planned: Sequence[Planned]) -> None:
        for fault in planned:
            await self._until(fault)
            at = time.monotonic()
            self.recipient.set_mode(WEBHOOK_MODES[fault.fault])
            detail = "new connections refused, open ones closed" if fault.fault is Fault.WEBHOOK_REFUSING else (
                "every POST answered 503" if fault.fault is Fault.WEBHOOK_503 else "verifying and answering again")
            self._record(at, fault.fault.value, detail)
