"""How many parked records wait on the dead-letter topic, by reason code and authority, for the metrics.

The compacted topic is the truth (see hub.deadletter.store): the first calls read it from the beginning, every later
call only what was added since, folded the same way (latest record per key, a tombstone removes it). Each call reads
for at most `timeout_s`; a long topic is caught up with over several calls. Only the reason and authority of each
item are kept, never its payload. Blocking: call it from a thread.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from hub.deadletter import BrokerUnavailable, TopicMissing
from hub.deadletter.query import envelope_of
from hub.deadletter.store import RecordLike, dead_letter_of, fold_into, poll_available
from hub.kafka.reachable import unreachable
from monitoring.metrics import UNKNOWN

CLIENT_ID = "municipal-hub-metrics-dlq"
Summary = tuple[str, str]  # (reason code, authority)


def summarise(record: RecordLike, item_id: str, *, max_bytes: int) -> Summary:
    """Reason code and authority of one parked record: the failed delivery's recipient, else the message's author
    when the payload still reads as an XÖV message, else UNKNOWN."""
    dead = dead_letter_of(record, item_id)
    authority = dead.recipient
    if authority is None and record.value:
        envelope = envelope_of(record.value, max_bytes=max_bytes)
        authority = envelope.author if envelope is not None else None
    return dead.reason_code, authority or UNKNOWN


def apply(items: dict[str, Summary], records: Iterable[RecordLike], *, max_bytes: int) -> None:
    """Fold `records` (in topic order) into `items`, keyed by dead-letter id, as store.fold does."""
    fold_into(items, records, lambda record, item_id: summarise(record, item_id, max_bytes=max_bytes))


def tally(items: Mapping[str, Summary]) -> dict[Summary, int]:
    return dict(Counter(items.values()))


class DeadLetterDepth:
    """Counts of waiting dead letters, kept up to date incrementally from the topic."""

    def __init__(self, bootstrap: str, topic: str, *, max_bytes: int, client: Mapping[str, Any] | None = None,
                 timeout_s: float = 5.0) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.max_bytes = max_bytes
        self.client = dict(client or {})
        self.timeout_s = timeout_s
        self._consumer: Any = None
        self._assigned: list[Any] = []
        self._items: dict[str, Summary] = {}
        self._caught_up = False
        self._lock = threading.Lock()

    def counts(self) -> dict[Summary, int] | None:
        """(reason, authority) -> records waiting now, or None until the topic has been read to its end once;
        BrokerUnavailable or TopicMissing when Kafka cannot tell."""
        with self._lock:
            try:
                consumer = self._open()
                records, complete = poll_available(consumer, self._assigned, self.timeout_s, keep_later=True)
                apply(self._items, records, max_bytes=self.max_bytes)
            except (KafkaError, OSError) as exc:
                self.close()
                raise BrokerUnavailable(f"reading {self.topic} from Kafka at {self.bootstrap} failed: {exc}") from exc
            except (BrokerUnavailable, TopicMissing):
                self.close()
                raise
            self._caught_up = self._caught_up or complete
            return tally(self._items) if self._caught_up else None

    def _open(self) -> Any:
        if self._consumer is not None:
            return self._consumer
        problem = unreachable(self.bootstrap, self.timeout_s)
        if problem is not None:
            raise BrokerUnavailable(f"Kafka at {self.bootstrap} does not answer ({problem})")
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                 client_id=CLIENT_ID, allow_auto_create_topics=False,
                                 bootstrap_timeout_ms=int(self.timeout_s * 1000), **self.client)
        partitions = consumer.partitions_for_topic(self.topic)
        if not partitions:
            consumer.close()
            raise TopicMissing(f"topic {self.topic} does not exist on {self.bootstrap}")
        self._assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        consumer.assign(self._assigned)
        consumer.seek_to_beginning(*self._assigned)
        self._consumer, self._items = consumer, {}
        return consumer

    def close(self) -> None:
        """Drop the consumer and what was read; the next call reads the topic from the beginning again."""
        consumer, self._consumer, self._items, self._caught_up = self._consumer, None, {}, False
        if consumer is not None:
            consumer.close()
