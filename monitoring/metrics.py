"""Every Prometheus metric of the hub, declared once; code elsewhere only increments these.

Two kinds: counters and histograms the worker updates as it goes (below), and gauge families that collectors compute
at scrape time from Kafka and from the worker's tables (`Family`, yielded by monitoring.kafka_state and
monitoring.worker_state), so those figures are right again after a restart and never go stale on a worker that lost
its partitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)
# Receipt to delivery takes milliseconds when all is well and minutes when a recipient is slow or being retried.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
                   1800.0, 3600.0)

MESSAGES = Counter(
    "hub_messages_total",
    "XÖV messages per standard, message type and pipeline stage (received, validated, routed, delivered, rejected).",
    ["standard", "message_type", "stage"],
    registry=REGISTRY,
)
DEADLETTERS = Counter(
    "hub_deadletters_total",
    "Records parked on the dead-letter topic, per origin and reason code.",
    ["origin", "reason"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "hub_deliveries_total",
    "Messages written to a recipient's outbound stream, per standard and recipient role.",
    ["standard", "role"],
    registry=REGISTRY,
)
DELIVERY_ATTEMPTS = Counter(
    "hub_delivery_attempts_total",
    "Attempts to deliver to a recipient system or push to the portal, per channel and outcome (ok, failed).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
DUPLICATES = Counter(
    "hub_duplicates_total",
    "Messages acknowledged but not routed again because their XÖV message id was already routed.",
    ["standard"],
    registry=REGISTRY,
)
PROCESSING_SECONDS = Histogram(
    "hub_processing_seconds",
    "Time from reading an ingest record to the last delivery of it.",
    ["standard"],
    registry=REGISTRY,
)

END_TO_END_SECONDS = Histogram(
    "hub_end_to_end_seconds",
    "Time from the hub's receipt of a message to its delivery to one recipient, per standard.",
    ["standard"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
DELIVERY_OUTCOMES = Counter(
    "hub_delivery_outcomes_total",
    "Delivery results per recipient and channel: delivered, failed (an attempt failed, retried later) or parked "
    "(the last attempt failed).",
    ["recipient", "channel", "outcome"],
    registry=REGISTRY,
)
UNKNOWN = "unbekannt"
Outcome = Literal["delivered", "failed", "parked"]


def count_stage(standard: str | None, message_type: str | None, stage: str) -> None:
    MESSAGES.labels(standard or UNKNOWN, message_type or UNKNOWN, stage).inc()


def delivery_outcome(recipient: str, channel: str, outcome: Outcome) -> None:
    """Count one delivery result: delivered, failed (an attempt failed and will be retried) or parked."""
    DELIVERY_OUTCOMES.labels(recipient, channel, outcome).inc()


def observe_end_to_end(standard: str | None, seconds: float) -> None:
    """One message delivered to one recipient, `seconds` after the hub received it."""
    END_TO_END_SECONDS.labels(standard or UNKNOWN).observe(max(seconds, 0.0))


@dataclass(frozen=True)
class Family:
    """A gauge family that a collector computes at scrape time: its name, help text and label names."""

    name: str
    help: str
    labels: tuple[str, ...] = ()


CONSUMER_LAG = Family(
    "hub_consumer_lag",
    "Records a consumer group has not processed yet on a topic partition: log-end offset minus committed offset, "
    "read from Kafka.",
    ("group", "topic", "partition"),
)
DEADLETTERS_WAITING = Family(
    "hub_deadletters_waiting",
    "Parked records waiting on the dead-letter topic, by reason code and authority (the failed delivery's recipient, "
    "else the message's author), read from Kafka.",
    ("reason", "authority"),
)
KAFKA_UP = Family(
    "hub_kafka_up",
    "1 when the hub read the cluster's offsets at its last attempt, 0 when Kafka did not answer.",
)
RECIPIENT_FAILURES = Family(
    "hub_recipient_consecutive_failures",
    "Failed delivery attempts to a served recipient since its last success, from its delivery lane.",
    ("recipient", "channel"),
)
RECIPIENT_LAST_SUCCESS = Family(
    "hub_recipient_last_success_timestamp_seconds",
    "Unix time of the last successful delivery to a served recipient, from its delivery lane.",
    ("recipient", "channel"),
)
RETRY_BACKLOG = Family(
    "hub_retry_backlog",
    "Copies for a served recipient waiting on the retry stream for their next attempt.",
    ("recipient",),
)
INBOX_WAITING = Family(
    "hub_inbox_waiting",
    "Messages waiting in a recipient's pull inbox, not yet acknowledged.",
    ("authority",),
)
INBOX_OLDEST_AGE = Family(
    "hub_inbox_oldest_waiting_seconds",
    "Age of the oldest message waiting in a recipient's pull inbox.",
    ("authority",),
)
COLLECTED: tuple[Family, ...] = (CONSUMER_LAG, DEADLETTERS_WAITING, KAFKA_UP, RECIPIENT_FAILURES,
                                 RECIPIENT_LAST_SUCCESS, RETRY_BACKLOG, INBOX_WAITING, INBOX_OLDEST_AGE)
