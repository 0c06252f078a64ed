"""Create the catalogue's topics idempotently with kafka-python's admin client (CreateTopics v2+, as Kafka 4 needs)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from topics.catalogue import ResolvedTopic

BATCH = 200  # topics per CreateTopics request: few round trips, small enough for the broker's request limit


class TopicAdminError(Exception):
    """Topics could not be created; the message names the topic and the broker's answer."""


def ensure_topics(
    bootstrap: str,
    topics: Sequence[ResolvedTopic],
    *,
    partitions: int,
    replication_factor: int,
    progress: Callable[[str], None] = lambda _line: None,
) -> list[str]:
    """Create every topic that does not exist yet and return the names created; existing ones are left alone."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="municipal-hub-admin")
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        created: list[str] = []
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            new = [NewTopic(name=t.name, num_partitions=t.spec.partitions or partitions,
                            replication_factor=replication_factor, topic_configs=t.spec.configs()) for t in batch]
            try:
                admin.create_topics(new, validate_only=False)
            except TopicAlreadyExistsError:
                pass  # another worker created some of them meanwhile; the check below tells
            except KafkaError as exc:
                raise TopicAdminError(f"could not create topics {batch[0].name} … {batch[-1].name}: {exc}") from exc
            created += [t.name for t in batch]
            progress(f"created {len(created)} of {len(missing)} missing topics")
        _await_visible(admin, [t.name for t in missing])
        return created
    finally:
        admin.close()


def _await_visible(admin: KafkaAdminClient, names: list[str], timeout_s: float = 30.0) -> None:
    """Wait until the broker's metadata lists every topic in `names`; created topics appear with a short lag."""
    deadline = time.monotonic() + timeout_s
    absent = list(names)
    while absent:
        absent = [name for name in absent if name not in set(admin.list_topics())]
        if absent and time.monotonic() > deadline:
            raise TopicAdminError(f"topics still missing {timeout_s:.0f} s after creation: {', '.join(absent[:5])}")
        if absent:
            time.sleep(0.2)
