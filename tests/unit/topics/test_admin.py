"""Existing topics are checked against the catalogue: partitions and cleanup policy must agree."""

from __future__ import annotations

from topics.admin import mismatches
from topics.catalogue import Catalogue


def test_only_disagreeing_existing_topics_are_reported() -> None:
    catalogue = Catalogue(prefix="p.", app_id="a", partitions=6)
    topics = catalogue.all_topics()
    partitions = {t.name: t.partitions for t in topics}
    policies = {t.name: t.spec.cleanup_policy for t in topics}
    assert mismatches(topics, partitions, policies) == []
    partitions[catalogue.delivery] = 3
    policies[catalogue.deadletter] = "delete"
    found = {(m.topic, m.setting, m.declared, m.found) for m in mismatches(topics, partitions, policies)}
    assert found == {(catalogue.delivery, "partitions", "6", "3"),
                     (catalogue.deadletter, "cleanup.policy", "compact,delete", "delete")}
    assert mismatches(topics, {}, {}) == []  # missing topics are created, not reported


def test_the_topic_count_does_not_depend_on_the_directory() -> None:
    catalogue = Catalogue(prefix="p.", app_id="a")
    fixed = catalogue.all_topics()
    assert len(catalogue.all_topics({"XMeld": []})) == len(fixed)
    with_kafka_reader = catalogue.all_topics({"XGewerbeanzeige": ["ihk:06411000"]})
    assert len(with_kafka_reader) == len(fixed) + 1  # only a recipient reading Kafka itself adds its own topic
    assert with_kafka_reader[-1].name == "p.trade.outbound.ihk-06411000" and with_kafka_reader[-1].partitions == 1
