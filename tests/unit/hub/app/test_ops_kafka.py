"""The operator page's Kafka reading: flows from the offsets an hour ago, nothing read while Kafka is down, one
reading shared by concurrent pages, and a page that does not wait longer than its timeout."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from hub.app.ops_kafka import KafkaFigures, KafkaReading, ingest_topics
from hub.ops.overview import Flow
from monitoring.kafka_state import KafkaState
from monitoring.lag import PartitionOffsets, TopicPartitionKey
from topics.catalogue import Catalogue

NOW = 1_790_000_000.0
TRADE = "t.trade.ingest"
UP = KafkaState(up=True)


class Reader:
    """Offsets of one trade partition: 3 records in the last hour of 10; blocks while `gate` is closed."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.asked: list[int] = []
        self.gate = threading.Event()
        self.gate.set()

    def log_offsets(self, topics: Sequence[str]) -> list[PartitionOffsets]:
        return [PartitionOffsets(TRADE, 0, 0, 10)]

    def offsets_since(self, topics: Sequence[str], timestamp_ms: int) -> dict[TopicPartitionKey, int | None]:
        self.gate.wait(timeout=30)
        if self.fail:
            raise OSError("broker gone")
        self.asked.append(timestamp_ms)
        return {(TRADE, 0): 7}


def figures(reader: Reader, state: KafkaState | None = UP, **options: float) -> KafkaFigures:
    return KafkaFigures(reader, lambda: state, {TRADE: ("XGewerbeanzeige",)}, clock=lambda: NOW, **options)


def test_the_flows_count_from_the_offsets_an_hour_ago() -> None:
    reader = Reader()
    assert figures(reader).read() == KafkaReading(UP, (Flow(("XGewerbeanzeige",), TRADE, 3),))
    assert reader.asked == [int((NOW - 3600) * 1000)]


def test_nothing_is_read_while_kafka_does_not_answer_and_a_failed_read_leaves_the_flows_unknown() -> None:
    reader = Reader()
    down = KafkaState(up=False)
    assert figures(reader, down).read() == KafkaReading(down, None)
    assert figures(reader, None).read() == KafkaReading(None, None)
    assert reader.asked == []
    assert figures(Reader(fail=True)).read() == KafkaReading(UP, None)


def test_concurrent_pages_share_one_reading_which_is_kept_for_a_while() -> None:
    reader = Reader()
    shared = figures(reader, max_age_s=60)

    async def pages() -> list[KafkaReading]:
        return list(await asyncio.gather(*(shared.reading() for _ in range(5))))

    first = asyncio.run(pages())
    second = asyncio.run(pages())
    assert len(reader.asked) == 1
    assert {r.flows for r in first + second} == {(Flow(("XGewerbeanzeige",), TRADE, 3),)}


def test_a_page_waits_no_longer_than_the_timeout_and_the_late_reading_serves_the_next_page() -> None:
    reader = Reader()
    reader.gate.clear()
    slow = figures(reader, timeout_s=0.2, max_age_s=60)

    async def scenario() -> tuple[KafkaReading, KafkaReading]:
        waited = await slow.reading()
        under_way = slow._pending
        assert under_way is not None  # the reading goes on without the page that gave up on it
        reader.gate.set()
        await asyncio.wait_for(asyncio.shield(under_way), 30)
        return waited, await slow.reading()

    waited, later = asyncio.run(scenario())
    assert waited == KafkaReading(None, None)
    assert later.flows == (Flow(("XGewerbeanzeige",), TRADE, 3),) and len(reader.asked) == 1


def test_every_ingest_topic_names_the_standards_it_carries() -> None:
    topics = ingest_topics(Catalogue(prefix="p."))
    assert topics == {"p.trade.ingest": ("XGewerbeanzeige", "XGewerbeordnung"), "p.building.ingest": ("XBau",),
                      "p.registration.ingest": ("XMeld",), "p.civilstatus.ingest": ("XPersonenstand",)}
