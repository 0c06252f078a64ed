"""Every Kafka topic of the hub, declared once: name, partitions, retention, cleanup policy and key.

Names read `<domain>.<stage>[.<recipient>]`, e.g. `trade.ingest`, `trade.outbound.ihk-06411000`, `hub.status`.
A deployment-wide prefix (HUB_TOPIC_PREFIX) isolates tenants and test runs; nothing else changes a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DAY_MS = 24 * 60 * 60 * 1000
# Records carry whole XÖV messages; the broker's topic limit must exceed the hub's body limit.
MAX_RECORD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class TopicSpec:
    """A declared topic. `name` may hold `{recipient}` (one topic per recipient) or `{app_id}`."""

    name: str
    key: str
    description: str
    retention_ms: int
    cleanup_policy: str = "delete"
    partitions: int | None = None

    def configs(self) -> dict[str, str]:
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            "max.message.bytes": str(MAX_RECORD_BYTES),
        }


TRADE_INGEST = TopicSpec(
    name="trade.ingest",
    key="case id, so the messages of one case are processed in order",
    description="XGewerbeanzeige messages as received, original bytes; the trade worker reads them.",
    retention_ms=14 * DAY_MS,
)
TRADE_OUTBOUND = TopicSpec(
    name="trade.outbound.{recipient}",
    key="case id",
    description="One stream per recipient authority: the trade notification as that recipient may see it.",
    retention_ms=30 * DAY_MS,
    partitions=1,  # one authority's stream: low volume, strictly ordered
)
BUILDING_INGEST = TopicSpec(
    name="building.ingest",
    key="case id, so the messages of one case are processed in order",
    description="XBau messages as received, original bytes; the building worker reads them.",
    retention_ms=14 * DAY_MS,
)
BUILDING_OUTBOUND = TopicSpec(
    name="building.outbound.{recipient}",
    key="case id",
    description="One stream per recipient authority: building applications, participation copies and answers.",
    retention_ms=30 * DAY_MS,
    partitions=1,
)
REGISTRATION_INGEST = TopicSpec(
    name="registration.ingest",
    key="case id, so the messages of one case are processed in order",
    description="XMeld messages as received, original bytes; the registration worker reads them.",
    retention_ms=14 * DAY_MS,
)
REGISTRATION_OUTBOUND = TopicSpec(
    name="registration.outbound.{recipient}",
    key="case id",
    description="One stream per registration office: data requests, data provisions and Rückmeldungen.",
    retention_ms=30 * DAY_MS,
    partitions=1,
)
TRADE_BETRIEB = TopicSpec(
    name="trade.betrieb",
    key="gewerbebetriebID",
    description="Notifications that name a Gewerbebetrieb, keyed by it, for the Rückmeldeverfahren between offices.",
    retention_ms=30 * DAY_MS,
)
STATUS = TopicSpec(
    name="hub.status",
    key="case id",
    description="Status events of every case: received, validated, routed, delivered, rejected.",
    retention_ms=30 * DAY_MS,
)
DEADLETTER = TopicSpec(
    name="hub.deadletter",
    key="dead-letter id; a tombstone (empty value) under it removes a replayed item",
    description="Parked records: original bytes, with reason and origin in the hub-deadletter header.",
    retention_ms=90 * DAY_MS,
    cleanup_policy="compact,delete",
)
CASES_CHANGELOG = TopicSpec(
    name="{app_id}-cases-changelog",
    key="case id",
    description="Changelog of the case timeline table; compacted so each case keeps its latest timeline.",
    retention_ms=-1,
    cleanup_policy="compact",
)

BETRIEBE_CHANGELOG = TopicSpec(
    name="{app_id}-betriebe-changelog",
    key="gewerbebetriebID",
    description="Changelog of the table of notices per business; compacted.",
    retention_ms=-1,
    cleanup_policy="compact",
)

DELIVERY_RETRY = TopicSpec(
    name="hub.delivery.retry.{recipient}",
    key="recipient authority (or 'portal')",
    description="One per served recipient (and the portal): its failed deliveries waiting for their next attempt, "
                "state in header hub-delivery; its own topic, so its backoff never delays anyone else.",
    retention_ms=7 * DAY_MS,
    partitions=1,
)
INBOX_ACKS = TopicSpec(
    name="hub.inbox.acks",
    key="recipient authority",
    description="Acknowledgements of pull-inbox messages (value: the message id), applied to the inbox table.",
    retention_ms=30 * DAY_MS,
    partitions=1,  # the inbox table has one partition, like the single-partition outbound streams feeding it
)
INBOX_CHANGELOG = TopicSpec(
    name="{app_id}-inbox-changelog",
    key="recipient authority",
    description="Changelog of the pull inboxes: waiting messages and acknowledged ids; compacted.",
    retention_ms=-1,
    cleanup_policy="compact",
    partitions=1,
)

STATIC_TOPICS: tuple[TopicSpec, ...] = (TRADE_INGEST, BUILDING_INGEST, REGISTRATION_INGEST, TRADE_BETRIEB, STATUS,
                                        DEADLETTER, INBOX_ACKS)
ROUTED_CHANGELOG = TopicSpec(
    name="{app_id}-routed-changelog",
    key="case id",
    description="Changelog of the XÖV message ids already routed per case (duplicate detection); compacted.",
    retention_ms=-1,
    cleanup_policy="compact",
)

TABLE_CHANGELOGS: tuple[TopicSpec, ...] = (CASES_CHANGELOG, BETRIEBE_CHANGELOG, ROUTED_CHANGELOG, INBOX_CHANGELOG)
INGEST_BY_STANDARD: dict[str, TopicSpec] = {
    "XGewerbeanzeige": TRADE_INGEST,
    "XBau": BUILDING_INGEST,
    "XMeld": REGISTRATION_INGEST,
}
OUTBOUND_BY_STANDARD: dict[str, TopicSpec] = {
    "XGewerbeanzeige": TRADE_OUTBOUND,
    "XBau": BUILDING_OUTBOUND,
    "XMeld": REGISTRATION_OUTBOUND,
}


def recipient_slug(authority: str) -> str:
    """A DVDV `prefix:key` as a topic-name part: `ihk:06411000` → `ihk-06411000`."""
    slug = authority.replace(":", "-")
    if not re.fullmatch(r"[A-Za-z0-9-]+", slug):
        raise ValueError(f"authority key {authority!r} cannot name a topic")
    return slug


@dataclass(frozen=True)
class ResolvedTopic:
    """A declared topic with its concrete name in one deployment."""

    name: str
    spec: TopicSpec


class Catalogue:
    """Concrete topic names for one deployment (prefix and app id)."""

    def __init__(self, *, prefix: str = "", app_id: str = "municipal-hub") -> None:
        self.prefix = prefix
        self.app_id = app_id

    def name(self, spec: TopicSpec, *, recipient: str | None = None) -> str:
        if "{recipient}" in spec.name:
            if recipient is None:
                raise ValueError(f"topic {spec.name} is per recipient; name the recipient")
            return self.prefix + spec.name.format(recipient=recipient_slug(recipient))
        if "{app_id}" in spec.name:
            # faust names changelog topics itself, without our prefix; the app id carries the isolation.
            return spec.name.format(app_id=self.app_id)
        return self.prefix + spec.name

    @property
    def trade_ingest(self) -> str:
        return self.name(TRADE_INGEST)

    @property
    def trade_betrieb(self) -> str:
        return self.name(TRADE_BETRIEB)

    def delivery_retry(self, recipient: str) -> str:
        """The retry stream of one served recipient, or of the portal push (recipient 'portal')."""
        return self.name(DELIVERY_RETRY, recipient=recipient)

    @property
    def inbox_acks(self) -> str:
        return self.name(INBOX_ACKS)

    @property
    def status(self) -> str:
        return self.name(STATUS)

    @property
    def deadletter(self) -> str:
        return self.name(DEADLETTER)

    def trade_outbound(self, recipient: str) -> str:
        return self.name(TRADE_OUTBOUND, recipient=recipient)

    def ingest(self, standard: str) -> str:
        """The ingest topic of a standard's domain; KeyError for a standard without one."""
        return self.name(INGEST_BY_STANDARD[standard])

    def outbound(self, standard: str, recipient: str) -> str:
        """The recipient's own outbound stream for messages of `standard`."""
        return self.name(OUTBOUND_BY_STANDARD[standard], recipient=recipient)

    def all_topics(self, streams: Mapping[str, Iterable[str]], served: Iterable[str] = ()) -> list[ResolvedTopic]:
        """Every topic the hub needs, given per standard the authorities with an outbound stream, and the
        recipients the hub serves itself (each with a retry stream)."""
        topics = [ResolvedTopic(self.name(spec), spec) for spec in STATIC_TOPICS]
        topics += [ResolvedTopic(self.delivery_retry(r), DELIVERY_RETRY) for r in sorted(set(served))]
        topics += [ResolvedTopic(self.name(spec), spec) for spec in TABLE_CHANGELOGS]
        for standard, recipients in streams.items():
            spec = OUTBOUND_BY_STANDARD[standard]
            topics += [ResolvedTopic(self.name(spec, recipient=r), spec) for r in sorted(set(recipients))]
        return topics
