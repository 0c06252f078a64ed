"""One load phase against a running hub: register each message's planned recipients, POST the messages, wait
until every recipient has its copy, and summarise."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from hub.bench.load import LoadGenerator
from hub.bench.messages import Generated
from hub.bench.stats import PhaseFigures, Sample, summarise
from hub.bench.tracker import Tracker
from hub.bench.watch import PROGRESS_EVERY_S, StatusWatcher

Progress = Callable[[str], None]


@dataclass
class HubSession:
    """A running hub as the load phases see it: where to post, how to watch, what to expect."""

    load: LoadGenerator
    watcher: StatusWatcher
    tracker: Tracker
    expected: Mapping[str, tuple[str, ...]]  # planned recipient keys per sample (template) name
    alive: Callable[[], bool]
    progress: Progress
    drain_timeout_s: float
    case_ids: set[str] = field(default_factory=set)
    case_messages: dict[str, list[str]] = field(default_factory=dict)  # accepted message ids per case
    problems: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    _posted_before: int = field(default=0, init=False)

    def handled_cases(self) -> int:
        """Cases whose every accepted message has reached every planned recipient so far."""
        return sum(1 for ids in self.case_messages.values() if not self.tracker.missing(ids))

    def in_progress(self) -> int:
        """Accepted messages that have not yet reached every planned recipient."""
        return sum(len(self.tracker.missing(ids)) for ids in self.case_messages.values())

    def _before_send(self, message: Generated) -> None:
        self.tracker.expect(message.message_id, self.expected[message.template])

    async def _report(self, label: str, total: int) -> None:
        started = time.monotonic()
        while True:
            await asyncio.sleep(PROGRESS_EVERY_S)  # the progress line's interval
            self.progress(f"{label}: {self.load.posted - self._posted_before:,} of {total:,} posted, "
                          f"{time.monotonic() - started:,.0f} s")

    async def run(self, label: str, messages: Iterable[Generated], total: int, *, rate: float | None = None
                  ) -> PhaseFigures:
        """POST `total` messages at saturation (`rate` None) or at `rate` per second, then wait for delivery."""
        self.progress(f"{label}: posting {total:,} messages" + (f" at {rate:,.0f}/s" if rate else " at saturation"))
        self._posted_before = self.load.posted
        reporter = asyncio.create_task(self._report(label, total))
        try:
            if rate is None:
                answers = await self.load.saturate(messages, self._before_send)
            else:
                answers = await self.load.at_rate(messages, rate, self._before_send)
        finally:
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
        self.sent += len(answers)
        accepted = [a for a in answers if a.accepted]
        self.case_ids.update(a.case_id for a in accepted if a.case_id)
        for answer in accepted:
            if answer.case_id:
                self.case_messages.setdefault(answer.case_id, []).append(answer.message_id)
        self.problems.update(f"{a.status} {a.problem}" for a in answers if not a.accepted)
        missing = await self.watcher.wait_for([a.message_id for a in accepted], self.drain_timeout_s, label=label,
                                              progress=self.progress, alive=self.alive)
        if missing:
            self.progress(f"{label}: {len(missing):,} messages still incomplete after {self.drain_timeout_s:.0f} s")
        samples = [Sample(a.sent_at, a.answered_at if a.accepted else None,
                          self.tracker.completed_at(a.message_id) if a.accepted else None) for a in answers]
        figures = summarise(samples)
        self.progress(f"{label}: {figures.completed:,} complete, end to end "
                      f"{figures.end_to_end_rate or 0:,.1f} msg/s, API {figures.api_rate or 0:,.1f} posts/s")
        return figures
