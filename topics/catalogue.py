"""Every Kafka topic of the hub, declared once: name, key, retention class and cleanup policy.

The set is fixed: it does not grow with the directory. Recipients the hub serves (pull inbox, webhook, folder) share
`hub.delivery`, keyed by recipient; only a recipient that reads Kafka itself (`channel = "kafka"`) gets a topic of its
own, `<domain>.outbound.<recipient>`, where topic ACLs can isolate it.

Every topic the hub consumes has the same number of partitions, so faust assigns partition p of all of them, and of
every table changelog, to one worker: the tables a stream reads are always local to it.
A deployment-wide prefix (HUB_TOPIC_PREFIX) isolates tenants and test runs; nothing else changes a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DAY_MS = 24 * 60 * 60 * 1000
# Records carry whole XÖV messages; the broker's topic limit must exceed the hub's body limit.
MAX_RECORD_BYTES = 10 * 1024 * 1024

# Retention classes, each configurable (HUB_RETENTION_<CLASS>_DAYS); the defaults keep personal data no longer than
# its purpose needs: received originals two weeks, copies for delivery and replay a month.
RETENTION_DAYS: Mapping[str, int] = {
    "ingest": 14,        # original bytes as received, for re-processing after a failure
    "delivery": 30,      # recipients' copies, for delivery, retries and `hub replay`
    "inbox": 30,         # copies waiting in a pull inbox: the recipient must fetch them within this time
    "status": 30,        # status events, the source of case timelines and portal pushes
    "deadletter": 90,    # parked records, for inspection and replay
    "dedup": 30,         # message ids already routed (duplicate and conflicting-id detection)
    "delivered": 30,     # what each served recipient was given (exactly-once delivery)
    "correlation": 400,  # references → case (file numbers live as long as a building permit procedure)
    "cases": 400,        # case timelines, expiring this long after their last step
}


@dataclass(frozen=True)
class TopicSpec:
    """A declared topic; `name` may hold `{recipient}` (kafka-channel recipients) or `{app_id}` (changelogs)."""

    name: str
    key: str
    description: str
    retention: str
    cleanup_policy: str = "delete"

    def configs(self, retention_ms: int) -> dict[str, str]:
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(retention_ms),
            "max.message.bytes": str(MAX_RECORD_BYTES),
        }


def _ingest(domain: str, standard: str, key: str) -> TopicSpec:
    return TopicSpec(name=f"{domain}.ingest", key=key, retention="ingest",
                     description=f"{standard} messages as received, original bytes, in the order of their key.")


TRADE_INGEST = _ingest("trade", "XGewerbeanzeige/XGewerbeordnung", "the gewerbebetriebID (else the message id), so "
                                                                   "all notifications of a business are in order")
BUILDING_INGEST = _ingest("building", "XBau", "the building authority, so its file numbers are known in order")
REGISTRATION_INGEST = _ingest("registration", "XMeld", "the case reference (the data request's message id)")
CIVIL_STATUS_INGEST = _ingest("civilstatus", "XPersonenstand", "the case id (a request's; a delivery's own until "
                                                               "it is joined to its request)")

DELIVERY = TopicSpec(
    name="hub.delivery", key="recipient authority", retention="delivery",
    description="Every recipient's copy for the recipients the hub serves (inbox, webhook, folder); envelope in "
                "header hub-envelope. Keyed by recipient, so each recipient's messages stay in order.",
)
DELIVERY_RETRY = TopicSpec(
    name="hub.delivery.retry", key="recipient authority", retention="delivery",
    description="Copies waiting for another webhook or folder attempt, state in header hub-delivery; a recipient "
                "with copies here gets its newer copies here too, so its order holds.",
)
KAFKA_OUTBOUND = TopicSpec(
    name="{domain}.outbound.{recipient}", key="case id", retention="delivery",
    description="The own stream of a recipient whose directory entry says channel = \"kafka\" (it reads Kafka "
                "itself; topic ACLs isolate it).",
)
STATUS = TopicSpec(
    name="hub.status", key="case id", retention="status",
    description="Status events of every case: received, validated, routed, delivered, accepted, failed, rejected.",
)
PORTAL = TopicSpec(
    name="hub.portal", key="case id", retention="status",
    description="Status pushes for the portal webhook, numbered per case, in the order of the case's steps.",
)
REFERENCES = TopicSpec(
    name="hub.references", key="the normalised reference (Aktenzeichen, referenzAntragsservice, message id, …)",
    retention="correlation",
    description="References of every message with the case they belong to, applied to the references table.",
)
INBOX_ACKS = TopicSpec(
    name="hub.inbox.acks", key="recipient authority", retention="delivery",
    description="Pull-inbox acknowledgements (value: the message id), applied by the worker owning the inbox.",
)
DEADLETTER = TopicSpec(
    name="hub.deadletter", key="dead-letter id; a tombstone (empty value) under it removes a replayed item",
    description="Parked records: original bytes, with reason and origin in the hub-deadletter header.",
    retention="deadletter", cleanup_policy="compact,delete",
)

STATIC_TOPICS: tuple[TopicSpec, ...] = (TRADE_INGEST, BUILDING_INGEST, REGISTRATION_INGEST, CIVIL_STATUS_INGEST,
                                        REFERENCES, DELIVERY, DELIVERY_RETRY, STATUS, PORTAL, INBOX_ACKS, DEADLETTER)


@dataclass(frozen=True)
class TableSpec:
    """A faust table: its changelog is compacted and expires entries after the table's retention."""

    name: str
    key: str
    description: str
    retention: str

    @property
    def changelog(self) -> TopicSpec:
        return TopicSpec(name=f"{{app_id}}-{self.name}-changelog", key=self.key, retention=self.retention,
                         description=f"Changelog of the {self.name} table: {self.description}",
                         cleanup_policy="compact,delete")


TABLES: tuple[TableSpec, ...] = (
    TableSpec("cases", "case id", "the timeline of each case", "cases"),
    TableSpec("seen", "message id", "messages already routed, with their author and origin", "dedup"),
    TableSpec("correlation", "ordering key and reference", "references joining a message to its case", "correlation"),
    TableSpec("inbox", "recipient and position", "messages waiting in a pull inbox, with their payload", "inbox"),
    TableSpec("lanes", "recipient", "per served recipient: consecutive failures and copies waiting for a retry",
              "delivered"),
    TableSpec("delivered", "recipient and message id", "what each served recipient was given", "delivered"),
    TableSpec("references", "normalised reference", "the cases each reference belongs to", "correlation"),
)
TABLE_BY_NAME: Mapping[str, TableSpec] = {t.name: t for t in TABLES}

INGEST_BY_STANDARD: dict[str, TopicSpec] = {
    "XGewerbeanzeige": TRADE_INGEST,
    "XGewerbeordnung": TRADE_INGEST,  # XGewerbeanzeige's successor shares the trade topics
    "XBau": BUILDING_INGEST,
    "XMeld": REGISTRATION_INGEST,
    "XPersonenstand": CIVIL_STATUS_INGEST,
}
DOMAIN_BY_STANDARD: dict[str, str] = {spec_standard: spec.name.split(".", 1)[0]
                                      for spec_standard, spec in INGEST_BY_STANDARD.items()}


def recipient_slug(authority: str) -> str:
    """A DVDV `prefix:key` as a topic-name part: `ihk:06411000` → `ihk-06411000`."""
    slug = authority.replace(":", "-")
    if not re.fullmatch(r"[A-Za-z0-9-]+", slug):
        raise ValueError(f"authority key {authority!r} cannot name a topic")
    return slug


@dataclass(frozen=True)
class ResolvedTopic:
    """A declared topic with its concrete name, partitions and retention in one deployment."""

    name: str
    spec: TopicSpec
    partitions: int
    retention_ms: int

    def configs(self) -> dict[str, str]:
        return self.spec.configs(self.retention_ms)


class Catalogue:
    """Concrete topic names for one deployment: prefix, app id, partitions and retention per class."""

    def __init__(self, *, prefix: str = "", app_id: str = "municipal-hub", partitions: int = 6,
                 retention_days: Mapping[str, int] | None = None) -> None:
        self.prefix = prefix
        self.app_id = app_id
        self.partitions = partitions
        self.retention_days = {**RETENTION_DAYS, **(retention_days or {})}

    def retention_ms(self, retention: str) -> int:
        return self.retention_days[retention] * DAY_MS

    def name(self, spec: TopicSpec, *, recipient: str | None = None, domain: str | None = None) -> str:
        if "{recipient}" in spec.name:
            if recipient is None or domain is None:
                raise ValueError(f"topic {spec.name} is per recipient; name the domain and the recipient")
            return self.prefix + spec.name.format(domain=domain, recipient=recipient_slug(recipient))
        if "{app_id}" in spec.name:
            # faust names changelog topics itself, without our prefix; the app id carries the isolation.
            return spec.name.format(app_id=self.app_id)
        return self.prefix + spec.name

    def ingest(self, standard: str) -> str:
        """The ingest topic of a standard's domain; KeyError for a standard without one."""
        return self.name(INGEST_BY_STANDARD[standard])

    def kafka_outbound(self, standard: str, recipient: str) -> str:
        """The own topic of a recipient that reads Kafka itself, for messages of `standard`."""
        return self.name(KAFKA_OUTBOUND, recipient=recipient, domain=DOMAIN_BY_STANDARD[standard])

    @property
    def trade_ingest(self) -> str:
        return self.name(TRADE_INGEST)

    @property
    def delivery(self) -> str:
        return self.name(DELIVERY)

    @property
    def delivery_retry(self) -> str:
        return self.name(DELIVERY_RETRY)

    @property
    def status(self) -> str:
        return self.name(STATUS)

    @property
    def portal(self) -> str:
        return self.name(PORTAL)

    @property
    def references(self) -> str:
        return self.name(REFERENCES)

    @property
    def inbox_acks(self) -> str:
        return self.name(INBOX_ACKS)

    @property
    def deadletter(self) -> str:
        return self.name(DEADLETTER)

    def changelog(self, table: str) -> str:
        return self.name(TABLE_BY_NAME[table].changelog)

    def resolve(self, spec: TopicSpec, name: str) -> ResolvedTopic:
        partitions = 1 if "{recipient}" in spec.name else self.partitions  # a recipient's own stream is one ordered log
        return ResolvedTopic(name, spec, partitions, self.retention_ms(spec.retention))

    def consumed(self) -> list[str]:
        """The topics the hub's workers read as streams, under its consumer group: their lag tells whether the
        workers keep up (the dead letters wait for an operator; changelogs are read only to recover tables)."""
        return [self.name(spec) for spec in STATIC_TOPICS if spec is not DEADLETTER]

    def all_topics(self, kafka_recipients: Mapping[str, Iterable[str]] | None = None) -> list[ResolvedTopic]:
        """Every topic the hub needs: the fixed set, the table changelogs, and per standard the own topics of the
        recipients that read Kafka themselves."""
        topics = [self.resolve(spec, self.name(spec)) for spec in STATIC_TOPICS]
        topics += [self.resolve(t.changelog, self.name(t.changelog)) for t in TABLES]
        for standard, recipients in sorted((kafka_recipients or {}).items()):
            topics += [self.resolve(KAFKA_OUTBOUND, self.kafka_outbound(standard, r)) for r in sorted(set(recipients))]
        return topics
