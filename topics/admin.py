"""Create the catalogue's topics in one batched admin request, and check the existing ones against it.

Kafka 4 needs CreateTopics v2+, which kafka-python's admin client speaks. An existing topic that matches the catalogue
is left alone; one whose partitions or cleanup policy disagree is reported, because co-partitioned streams and tables
would silently misbehave on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import KafkaError

from topics.catalogue import ResolvedTopic


class TopicAdminError(Exception):
    """Topics could not be created or do not fit the catalogue; the message names each topic and why."""


@dataclass(frozen=True)
class Mismatch:
    """An existing topic that disagrees with its declaration."""

    topic: str
    setting: str
    declared: str
    found: str

    def __str__(self) -> str:
        return f"{self.topic}: {self.setting} is {self.found}, the catalogue declares {self.declared}"


def mismatches(declared: Sequence[ResolvedTopic], partitions: Mapping[str, int],
               cleanup: Mapping[str, str]) -> list[Mismatch]:
    """Pure comparison of existing topics (partition counts, cleanup policies) with their declarations."""
    found = []
    for topic in declared:
        if topic.name not in partitions:
            continue
        if partitions[topic.name] != topic.partitions:
            found.append(Mismatch(topic.name, "partitions", str(topic.partitions), str(partitions[topic.name])))
        policy = cleanup.get(topic.name, "delete")
        if sorted(policy.split(",")) != sorted(topic.spec.cleanup_policy.split(",")):
            found.append(Mismatch(topic.name, "cleanup.policy", topic.spec.cleanup_policy, policy))
    return found


def ensure_topics(
    bootstrap: str,
    topics: Sequence[ResolvedTopic],
    *,
    replication_factor: int,
    client_options: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] = lambda _line: None,
) -> list[str]:
    """Create every missing topic in one request and return their names; TopicAdminError lists every existing
    topic that disagrees with the catalogue."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="municipal-hub-admin", **(client_options or {}))
    try:
        existing = {t["name"]: len(t["partitions"]) for t in admin.describe_topics()
                    if not t.get("error_code")}
        declared = {t.name for t in topics}
        present = [name for name in existing if name in declared]
        problems = mismatches(topics, existing, _cleanup_policies(admin, present))
        if problems:
            raise TopicAdminError("existing topics disagree with the catalogue (fix or delete them):\n  "
                                  + "\n  ".join(map(str, problems)))
        missing = [t for t in topics if t.name not in existing]
        if not missing:
            return []
        progress(f"creating {len(missing)} missing topics in one request")
        request = {t.name: {"num_partitions": t.partitions, "replication_factor": replication_factor,
                            "configs": t.configs()} for t in missing}
        try:
            response = admin.create_topics(request, raise_errors=False, wait_for_metadata=True)
        except KafkaError as exc:
            raise TopicAdminError(f"could not create {len(missing)} topics: {exc}") from exc
        failed = _failures(response)
        if failed:
            raise TopicAdminError("could not create topics: " + "; ".join(f"{n}: {e}" for n, e in failed.items()))
        return [t.name for t in missing]
    finally:
        admin.close()


def _cleanup_policies(admin: KafkaAdminClient, names: Sequence[str]) -> dict[str, str]:
    if not names:
        return {}
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, configs={"cleanup.policy": None}) for name in names]
    described = admin.describe_configs(resources, config_filter="all")
    policies: dict[str, str] = {}
    for name, configs in _topic_configs(described).items():
        entry = configs.get("cleanup.policy")
        if isinstance(entry, Mapping):
            policies[name] = str(entry.get("value", "delete"))
        elif entry is not None:
            policies[name] = str(entry)
    return policies


def _topic_configs(described: Any) -> Mapping[str, Mapping[str, Any]]:
    """kafka-python 3 answers {resource type: {name: {key: data}}}; accept the type as name or enum."""
    for resource_type, by_name in dict(described).items():
        if str(resource_type).upper().endswith("TOPIC") or resource_type == ConfigResourceType.TOPIC:
            return dict(by_name)
    return {}


def _failures(response: Any) -> dict[str, str]:
    """Topic → error text for every topic the broker did not create (an existing one counts as created)."""
    failed = {}
    for topic in (response or {}).get("topics", []) if isinstance(response, Mapping) else []:
        code = topic.get("error_code", 0)
        if code and code != 36:  # 36: TOPIC_ALREADY_EXISTS (another worker was faster)
            failed[topic.get("name", "?")] = str(topic.get("error_message") or f"error code {code}")
    return failed
