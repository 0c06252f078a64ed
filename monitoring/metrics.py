"""Every Prometheus metric of the hub, declared once; code elsewhere only increments these."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

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

UNKNOWN = "unbekannt"


def count_stage(standard: str | None, message_type: str | None, stage: str) -> None:
    MESSAGES.labels(standard or UNKNOWN, message_type or UNKNOWN, stage).inc()
