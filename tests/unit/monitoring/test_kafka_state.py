"""The Kafka-state collector: served from its last reading, refreshed only when stale, honest when Kafka is down."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, generate_latest

from monitoring.kafka_state import KafkaStateCollector
from monitoring.lag import PartitionOffsets, TopicPartitionKey
from monitoring.metrics import COLLECTED, CONSUMER_LAG, DEADLETTERS_WAITING, KAFKA_UP
from tests.support.metrics import samples

GROUP = "municipal-hub"
INGEST, RETRY = "trade.ingest", "hub.delivery.retry"


class FakeReader:
    """Offsets as a cluster would report them; `down` makes every call fail like an unreachable broker."""

    def __init__(self) -> None:
        self.logs = [PartitionOffsets(INGEST, 0, 0, 12), PartitionOffsets(INGEST, 1, 3, 5),
                     PartitionOffsets(RETRY, 0, 0, 4)]
        self.commits: dict[str, dict[TopicPartitionKey, int]] = {GROUP: {(INGEST, 0): 10, (RETRY, 0): 1}}
        self.down = False
        self.calls = 0

    def log_offsets(self, topics: Sequence[str]) -> list[PartitionOffsets]:
        self.calls += 1
        if self.down:
            raise ConnectionRefusedError("connect call failed")
        return [log for log in self.logs if log.topic in topics]

    def committed(self, groups: Sequence[str]) -> dict[str, dict[TopicPartitionKey, int]]:
        return {g: self.commits[g] for g in groups if g in self.commits}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _collector(reader: FakeReader, clock: Clock, dead: dict[tuple[str, str], int] | None = None) -> KafkaStateCollector:
    return KafkaStateCollector(reader, {GROUP: [INGEST, RETRY]},
                               deadletters=(lambda: dead) if dead is not None else None, max_age_s=10, clock=clock)


def test_lag_dead_letters_and_reachability_from_one_reading() -> None:
    collector = _collector(FakeReader(), Clock(), {("delivery.failed", "xga:06431000"): 2})
    collector.refresh()
    found = samples(collector)
    lag = {k: v for k, v in found.items() if k[0] == CONSUMER_LAG.name}
    assert lag == {
        (CONSUMER_LAG.name, (("group", GROUP), ("partition", "0"), ("topic", INGEST))): 2,
        (CONSUMER_LAG.name, (("group", GROUP), ("partition", "1"), ("topic", INGEST))): 2,  # never committed: 5 - 3
        (CONSUMER_LAG.name, (("group", GROUP), ("partition", "0"), ("topic", RETRY))): 3,
    }
    assert found[(DEADLETTERS_WAITING.name, (("authority", "xga:06431000"), ("reason", "delivery.failed")))] == 2
    assert found[(KAFKA_UP.name, ())] == 1


def test_scrapes_within_max_age_are_served_from_the_last_reading() -> None:
    reader, clock = FakeReader(), Clock()
    collector = _collector(reader, clock)
    collector.refresh()
    reader.commits[GROUP][(INGEST, 0)] = 12
    clock.now += 9
    collector.refresh()
    assert reader.calls == 1
    assert samples(collector)[(CONSUMER_LAG.name, (("group", GROUP), ("partition", "0"), ("topic", INGEST)))] == 2
    clock.now += 1
    collector.refresh()
    assert reader.calls == 2
    assert samples(collector)[(CONSUMER_LAG.name, (("group", GROUP), ("partition", "0"), ("topic", INGEST)))] == 0


def test_collect_never_reads_kafka() -> None:
    reader = FakeReader()
    collector = _collector(reader, Clock())
    assert samples(collector) == {}  # nothing read yet: no figure is better than a wrong one
    list(collector.collect())
    assert reader.calls == 0


def test_an_unreachable_broker_shows_as_down_without_stale_lag_and_recovers() -> None:
    reader, clock = FakeReader(), Clock()
    collector = _collector(reader, clock, {("xml.malformed", "unbekannt"): 1})
    collector.refresh()
    reader.down = True
    clock.now += 10
    collector.refresh()
    assert samples(collector) == {(KAFKA_UP.name, ()): 0}
    reader.down = False
    clock.now += 10
    collector.refresh()
    assert samples(collector)[(KAFKA_UP.name, ())] == 1
    assert (DEADLETTERS_WAITING.name, (("authority", "unbekannt"), ("reason", "xml.malformed"))) in samples(collector)


def test_a_failing_dead_letter_count_also_means_kafka_did_not_answer() -> None:
    def broken() -> dict[tuple[str, str], int]:
        raise TimeoutError("dead-letter topic not read in time")

    collector = KafkaStateCollector(FakeReader(), {GROUP: [INGEST]}, deadletters=broken, clock=Clock())
    collector.refresh()
    assert samples(collector) == {(KAFKA_UP.name, ()): 0}


def test_registered_families_are_the_declared_ones_and_render_for_prometheus() -> None:
    registry = CollectorRegistry()
    collector = _collector(FakeReader(), Clock(), {})
    registry.register(collector)
    collector.refresh()
    declared = {f.name: f.help for f in COLLECTED}
    for family in collector.describe():
        assert declared[family.name] == family.documentation
    text = generate_latest(registry).decode()
    assert f'{CONSUMER_LAG.name}{{group="{GROUP}",partition="0",topic="{INGEST}"}} 2.0' in text
    assert f"# TYPE {KAFKA_UP.name} gauge" in text


def test_dead_letters_not_known_yet_are_left_out_while_kafka_answers() -> None:
    collector = KafkaStateCollector(FakeReader(), {GROUP: [INGEST]}, deadletters=lambda: None, clock=Clock())
    collector.refresh()
    found = samples(collector)
    assert found[(KAFKA_UP.name, ())] == 1
    assert not any(name == DEADLETTERS_WAITING.name for name, _labels in found)
