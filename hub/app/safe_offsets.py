"""faust with commits that never pass a record the agents did not finish.

faust-streaming 0.15.3 loses records around a rebalance (e.g. after a worker was killed with -9 and the group moves
its partitions): table recovery resumes the stream partitions *before* seeking them to their committed offsets, so
the fetcher hands over records during the seek; the seek then rewinds the read offsets under the running batch, the
consumer counts the offsets it seems to have jumped over as a "gap" that is committed as done, and resuming the
flow empties the agents' queues. Its commit rule also accepts a run starting one past the committed offset, and
breaks runs on duplicate entries. Two changes make loss impossible, not just unlikely:

- `GaplessConsumer`: no gap is ever counted as processed; the committable offset is the end of the unbroken run of
  acknowledged offsets that starts exactly at the committed offset (`committable`). Offset N is committed only when
  every offset before it since the last commit was acknowledged, and stages acknowledge a record only once its
  outcome is durable. This relies on consumed topics having no holes: they are not transactional, and the compacted
  topics (dead letters, changelogs) are never committed by a stream.
- `SeekFirstRecovery`: seek the still paused stream partitions first, then resume them, empty the queues and resume
  the flow, with no await in between. A partition without a committed offset (or committed at 0, which aiokafka's
  seek leaves alone) is sought to its log start: the fetcher may already have passed records of it that were
  dropped while it was paused.

Both replace faust internals of exactly the pinned faust-streaming version (see pyproject.toml).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

import faust
from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery
from faust.transport.drivers import aiokafka as driver


def committable(acked: Iterable[int], base: int | None) -> tuple[int | None, list[int]]:
    """The offset to commit after `acked` offsets were processed, starting from `base` (the committed offset, or
    the log start), and the acknowledged offsets still waiting behind a hole; None when nothing can be committed."""
    if base is None:
        return None, sorted(set(acked))
    done = sorted({offset for offset in acked if offset >= base})
    end = base
    for offset in done:
        if offset != end:
            break
        end += 1
    return (end if end > base else None), [offset for offset in done if offset >= end]


class GaplessConsumer(driver.Consumer):
    """Commits only what the agents acknowledged, one unbroken run from the committed offset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._base_offset: dict[Any, int] = {}
        super().__init__(*args, **kwargs)

    async def _add_gap(self, tp: Any, offset_from: int, offset_to: int) -> None:
        """An offset the fetcher jumped over was never processed: it is not acknowledged on its behalf."""

    async def perform_seek(self) -> None:
        await super().perform_seek()
        # aiokafka seeks only partitions committed past 0: one without a committed offset keeps its fetch position,
        # which is past records fetched (and dropped, being paused) during the table recovery. Seek it to its log
        # start, as auto_offset_reset=earliest would on a first fetch.
        unknown = [tp for tp in self.assignment()
                   if self._committed_offset.get(tp) is None and not self._is_changelog_tp(tp)]
        if unknown:
            earliest = await self.earliest_offsets(*unknown)
            for tp, offset in earliest.items():
                await self.seek(tp, offset)
            self._base_offset.update(earliest)

    async def on_partitions_revoked(self, revoked: set[Any]) -> None:
        for tp in revoked:
            self._base_offset.pop(tp, None)
        await super().on_partitions_revoked(revoked)

    def _new_offset(self, tp: Any) -> int | None:
        acked = self._acked[tp]
        if not acked:
            return None
        base = self._committed_offset[tp]
        end, waiting = committable(acked, base if base is not None else self._base_offset.get(tp))
        acked[:] = waiting
        if end is not None:
            start = base if base is not None else self._base_offset.get(tp, end)
            self._acked_index[tp].difference_update(range(start, end))
        return end


class SeekFirstRecovery(Recovery):
    """Recovery that seeks the paused stream partitions before it lets any of their records through."""

    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        callbacks = [asyncio.ensure_future(table.on_recovery_completed(self.actives_for_table[table],
                                                                       self.standbys_for_table[table]))
                     for table in self.tables.values()]
        if callbacks:
            await asyncio.wait(callbacks)
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            self.log.warning("Recovery rebalancing again")
            return
        await self._seek_then_resume(assignment)
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")

    async def _resume_streams(self, generation_id: int = 0) -> None:
        app = self.app
        await app.on_rebalance_complete.send()
        assignment = app.consumer.assignment()
        if app.consumer_generation_id != generation_id:
            self.log.warning("Recovery rebalancing again")
            return
        await self._seek_then_resume(assignment)
        self.tables.on_actives_ready()
        self.tables.on_standbys_ready()
        app.on_rebalance_end()
        self.log.info("Worker ready")

    async def _seek_then_resume(self, assignment: set[Any]) -> None:
        consumer = self.app.consumer
        if assignment:
            self.log.info("Seek stream partitions to committed offsets.")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        # no await from here to resume_flow: no record reaches a queue before the queues are emptied
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        self.completed.set()
        self.app.flow_control.resume()
        consumer.resume_flow()
        await cast(Any, self.app)._fetcher.maybe_start()


class SafeTableManager(TableManager):
    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekFirstRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery


class SafeTransport(driver.Transport):
    Consumer = GaplessConsumer


class SafeApp(faust.App):
    """faust.App with both changes; create it with TableManager=SafeTableManager."""

    def _new_transport(self) -> Any:
        return SafeTransport(self.conf.broker_consumer, self)
