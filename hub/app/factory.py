"""The faust application: topics, the case timeline table, the agents and the HTTP views, wired to `Hub`.

Agents only move records between Kafka and `Hub`; concurrency stays 1 so offsets are never committed past
unfinished work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust

from hub.app.delivery import wire_delivery
from hub.app.inbox_views import register_inbox_views
from hub.app.records import record_headers
from hub.app.web import register_views
from hub.auth.tokens import TokenStore
from hub.correlation.relocation import Notice
from hub.pipeline import Routing
from hub.routing.directory import Directory
from hub.routing.rules import Rules
from hub.service import Hub, Origin
from hub.settings import Settings
from topics.catalogue import INGEST_BY_STANDARD, MAX_RECORD_BYTES, Catalogue
from topics.envelope import StatusEvent

TABLE_CASES = "cases"
TABLE_BETRIEBE = "betriebe"
TABLE_ROUTED = "routed"
TABLE_INBOX = "inbox"


@dataclass
class HubApp:
    """The faust app with what the views and agents share."""

    app: faust.App
    hub: Hub
    cases: Any  # faust Table: case id (bytes) -> list of timeline entries
    settings: Settings
    tokens: TokenStore
    inboxes: Any  # faust Table: authority (bytes) -> Inbox as JSON


class TableDedup:
    """Message ids already routed, per case, in a faust table co-partitioned with the ingest topics."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def seen(self, case_id: str, message_id: str) -> bool:
        return message_id in self.table.get(case_id.encode(), [])

    def remember(self, case_id: str, message_id: str) -> None:
        key = case_id.encode()
        self.table[key] = [*self.table[key], message_id]


def codelist_dir(settings: Settings) -> Path:
    return settings.shared_dir / "xoev" / "codelists"


def load_routing(settings: Settings) -> Routing:
    """Directory, rules and topic names, loaded and checked once per process."""
    directory = Directory.load(settings.routing_dir / "authorities.toml", codelist_dir(settings))
    rules = Rules.load(settings.routing_dir / "rules.toml", directory)
    return Routing(directory, rules, Catalogue(prefix=settings.topic_prefix, app_id=settings.app_id))


def timeline_entry(event: StatusEvent) -> dict[str, Any]:
    """One entry of a case's timeline as the portal reads it."""
    entry: dict[str, Any] = {"status": event.status.value, "at": event.at.isoformat()}
    for name in ("recipient", "author", "label", "message_id", "message_type", "reason"):
        value = getattr(event, name)
        if value is not None:
            entry[name] = value
    return entry


def create_app(settings: Settings, bootstrap: str, routing: Routing | None = None) -> HubApp:
    routing = routing or load_routing(settings)
    catalogue = routing.catalogue
    datadir = settings.data_dir / "faust" / settings.app_id
    datadir.parent.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{bootstrap}",
        store="memory://",
        datadir=str(datadir),
        producer_acks=-1,
        producer_max_request_size=MAX_RECORD_BYTES + 1024 * 1024,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.replication_factor,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_bind=settings.http_host,
        web_port=settings.http_port,
        web_host=settings.http_host,
        web_application_options={"client_max_size": 2 * settings.max_message_bytes},
    )

    async def send(topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> None:
        await app.producer.send_and_wait(topic, key=key, value=value, partition=None, timestamp=None,
                                         headers=headers)

    routed = app.Table(TABLE_ROUTED, default=list, key_type=bytes, partitions=settings.topic_partitions)
    hub = Hub(routing, send, max_bytes=settings.max_message_bytes, dedup=TableDedup(routed))
    # bytes keys: the changelog stores the same raw case id the status topic is keyed by, so recovery and
    # table_route partition a case exactly as the producers did
    cases = app.Table(TABLE_CASES, default=list, key_type=bytes,
                      partitions=settings.topic_partitions)
    status = app.topic(catalogue.status, key_serializer="raw", value_serializer="raw")
    betrieb = app.topic(catalogue.trade_betrieb, key_serializer="raw", value_serializer="raw")
    # notices per business (gewerbebetriebID), co-partitioned with trade.betrieb
    betriebe = app.Table(TABLE_BETRIEBE, default=list, key_type=bytes, partitions=settings.topic_partitions)

    async def ingest(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            await hub.process(event.value or b"", record_headers(message.headers),
                              Origin(message.topic, message.partition, message.offset))

    for spec in INGEST_BY_STANDARD.values():  # one agent per standard's ingest topic
        topic = app.topic(catalogue.name(spec), key_serializer="raw", value_serializer="raw", allow_empty=True)
        app.agent(topic, concurrency=1, name=f"ingest-{spec.name}")(ingest)

    @app.agent(betrieb, concurrency=1, name="trade-relocation")
    async def trade_relocation(stream: Any) -> None:
        async for event in stream.events():
            key = event.key or b""
            known = [Notice.model_validate(n) for n in betriebe[key]]
            updated = await hub.exchange(event.value or b"", record_headers(event.message.headers), known)
            if updated != known:
                betriebe[key] = [n.model_dump(mode="json") for n in updated]

    @app.agent(status, concurrency=1, name="case-timeline")
    async def case_timeline(stream: Any) -> None:
        async for event in stream.events():
            status_event = StatusEvent.model_validate_json(event.value)
            key = status_event.case_id.encode()
            cases[key] = [*cases[key], timeline_entry(status_event)]

    inboxes = app.Table(TABLE_INBOX, default=dict, key_type=bytes, partitions=1)
    wire_delivery(app, hub, inboxes, status, settings)
    hub_app = HubApp(app=app, hub=hub, cases=cases, settings=settings, tokens=TokenStore.load(settings.tokens_path),
                     inboxes=inboxes)
    register_views(hub_app)
    register_inbox_views(hub_app)
    return hub_app

