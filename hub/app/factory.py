"""The faust application: tables, stages, agents and HTTP views, wired for one deployment.

Several workers with the same HUB_KAFKA_BOOTSTRAP and HUB_APP_ID share the partitions; each keeps the table
partitions of the stream partitions it owns (RocksDB below HUB_DATA_DIR) and answers any case over HTTP, forwarding
table reads to the owning worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faust
import mode

from hub.app.agents import Stages, wire_agents
from hub.app.broker_watch import BrokerWatch
from hub.app.case_views import register_case_views
from hub.app.counter_page import register_counter_page
from hub.app.edge import install_edge
from hub.app.inbox_views import register_inbox_views
from hub.app.observability import register_collectors
from hub.app.ops_page import register_ops_page
from hub.app.producer import Sender
from hub.app.safe_offsets import SafeApp, SafeTableManager
from hub.app.tables import (
    TableServedState,
    create_tables,
    drain,
    open_journal,
    store_url,
    stored_when_written,
    table_dir,
)
from hub.app.web import register_views
from hub.auth.tokens import TokenStore
from hub.delivery.attempts import ChannelClient
from hub.delivery.channels import load_secrets
from hub.delivery.runner import LaneRunner
from hub.delivery.served import ServedDelivery
from hub.ingest.accept import Acceptor
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Out
from hub.kafka.client_config import aiokafka_kwargs, faust_kwargs
from hub.memory import HEAP_TRIM_INTERVAL_S, heap_trimmer
from hub.offload import PreparedBatch
from hub.pipeline import Routing
from hub.preflight import check_secrets
from hub.routing.directory import Directory
from hub.routing.rules import Rules
from hub.settings import Settings
from monitoring.kafka_state import KafkaStateCollector
from topics.catalogue import MAX_RECORD_BYTES


@dataclass
class HubApp:
    """The faust app with what the views share."""

    app: faust.App
    stages: Stages
    acceptor: Acceptor
    settings: Settings
    tokens: TokenStore
    bootstrap: str
    watch: BrokerWatch
    kafka_state: KafkaStateCollector
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)  # run when the worker stops

    @property
    def tables(self) -> dict[str, Any]:
        return self.stages.tables


def codelist_dir(settings: Settings) -> Path:
    return settings.shared_dir / "xoev" / "codelists"


def load_routing(settings: Settings) -> Routing:
    """Directory, rules and topic names, loaded and checked once per process."""
    directory = Directory.load(settings.routing_dir / "authorities.toml", codelist_dir(settings))
    rules = Rules.load(settings.routing_dir / "rules.toml", directory)
    return Routing(directory, rules, settings.catalogue())


def create_app(settings: Settings, bootstrap: str, routing: Routing | None = None) -> HubApp:
    routing = routing or load_routing(settings)
    catalogue = routing.catalogue
    secrets = load_secrets(settings.secrets_file) if settings.secrets_file else None
    check_secrets(routing.directory, secrets)  # hub.preflight runs the same check before start
    datadir = table_dir(settings)
    datadir.parent.mkdir(parents=True, exist_ok=True)
    app = SafeApp(
        settings.app_id,
        TableManager=SafeTableManager,
        broker=f"kafka://{bootstrap}",
        store=store_url(settings),
        datadir=str(datadir),
        producer_acks=-1,
        producer_max_request_size=MAX_RECORD_BYTES + 1024 * 1024,
        producer_max_batch_size=settings.producer_batch_bytes,
        producer_linger_ms=settings.producer_linger_ms,
        topic_partitions=catalogue.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=settings.session_timeout_s / 4,
        broker_rebalance_timeout=settings.rebalance_timeout_s,
        web_enabled=True,
        web_bind=settings.http_host,
        web_port=settings.http_port,
        web_host=settings.http_advertised_host or settings.http_host,  # where other workers forward requests
        web_application_options={"client_max_size": 2 * settings.max_message_bytes},
        # faust's own pages show tables and partition layouts to anyone; the operator page (/ops) replaces them
        web_router_enabled=False,
        web_tables_enabled=False,
        web_stats_enabled=False,
        web_graph_enabled=False,
        **faust_kwargs(settings),
    )
    install_edge(app, settings)
    tables = create_tables(app, settings, catalogue)
    sender = Sender(app, on_written=stored_when_written(tables),
                    state_topics=[t.changelog_topic.get_topic_name() for t in tables.values()])
    served = ServedDelivery(catalogue)
    served_state = TableServedState(tables["delivered"], tables["lanes"], tables["inbox"], catalogue.partitions)
    client = ChannelClient(secrets)
    async def produce(outs: list[Out]) -> None:  # a lane's records with the table writes of its task
        await sender.send_until_written([*outs, *drain()])

    lanes = LaneRunner(served, served_state, client, routing.directory, produce, setup=open_journal,
                       retry_base_s=settings.retry_base_s, retry_max_delay_s=settings.retry_max_delay_s)
    prepared = PreparedBatch(routing, max_bytes=settings.max_message_bytes)
    processor = IngestProcessor(routing, max_bytes=settings.max_message_bytes, read=prepared.read)
    stages = Stages(routing=routing, settings=settings, tables=tables, sender=sender, processor=processor,
                    prepared=prepared, served=served, served_state=served_state, client=client, lanes=lanes)
    wire_agents(app, stages)

    watch = BrokerWatch(bootstrap, client_options=aiokafka_kwargs(settings))
    kafka_state = register_collectors(settings, bootstrap, catalogue, tables, routing.directory)
    hub_app = HubApp(app=app, stages=stages, acceptor=Acceptor(routing), settings=settings,
                     tokens=TokenStore.load(settings.tokens_path), bootstrap=bootstrap, watch=watch,
                     kafka_state=kafka_state)
    hub_app.closers += [lanes.stop, client.close, watch.stop]

    async def watch_kafka() -> None:
        watch.start()

    app.task(watch_kafka)
    trim = heap_trimmer()
    if trim is not None:
        async def trim_heap() -> None:  # in a pool thread: the loop keeps serving while glibc walks the heap
            await asyncio.to_thread(trim)

        app.timer(HEAP_TRIM_INTERVAL_S, name="trim-heap")(trim_heap)
    register_views(hub_app)
    register_inbox_views(hub_app)
    register_case_views(hub_app)
    register_counter_page(hub_app)
    register_ops_page(hub_app)

    @app.service
    class Lifecycle(mode.Service):
        """Stops the lanes (their unfinished copies are processed again after a restart) and closes the clients."""

        async def on_stop(self) -> None:
            for close in hub_app.closers:
                await close()

    return hub_app
