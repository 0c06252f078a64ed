"""Create the catalogue's topics idempotently with kafka-python's admin client (CreateTopics v2+, as Kafka 4 needs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from topics.catalogue import ResolvedTopic


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
        for topic in missing:
            new = NewTopic(
                name=topic.name,
                num_partitions=topic.spec.partitions or partitions,
                replication_factor=replication_factor,
                topic_configs=topic.spec.configs(),
            )
            try:
                admin.create_topics([new], validate_only=False)
            except TopicAlreadyExistsError:
                continue  # another worker created it meanwhile
            except KafkaError as exc:
                raise TopicAdminError(f"could not create topic {topic.name}: {exc}") from exc
            created.append(topic.name)
            progress(f"created topic {topic.name}")
        return created
    finally:
        admin.close()
