"""A minimal stream worker with the hub's faust set-up, for crash tests: it copies every source record to each sink.

Configured like the hub's worker (the hub's SafeApp with its consumer and recovery, a changelog-backed table,
`earliest` offset reset, acks=all, one agent with concurrency 1 that awaits every send before taking the next record)
and nothing else, so a test can show what the stream layer does to the offsets around a restart. Run as a script
with COPY_WORKER_* variables:

    COPY_WORKER_BOOTSTRAP  host:port of the broker
    COPY_WORKER_GROUP      application id and consumer group
    COPY_WORKER_SOURCE     topic to read
    COPY_WORKER_SINKS      comma-separated topics each record is copied to
    COPY_WORKER_PARTITIONS partitions of the source topic (the table's changelog gets as many)
    COPY_WORKER_DATADIR    faust's data directory
    COPY_WORKER_SESSION_S  consumer session timeout: how long the group waits for a member killed with -9
"""

from __future__ import annotations

import os
from typing import Any

import faust
from faust.worker import Worker

from hub.app.safe_offsets import SafeApp, SafeTableManager


def create_app(env: dict[str, str]) -> faust.App:
    session_s = float(env["COPY_WORKER_SESSION_S"])
    partitions = int(env["COPY_WORKER_PARTITIONS"])
    app = SafeApp(
        env["COPY_WORKER_GROUP"],
        TableManager=SafeTableManager,
        broker=f"kafka://{env['COPY_WORKER_BOOTSTRAP']}",
        store="memory://",
        datadir=env["COPY_WORKER_DATADIR"],
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        topic_partitions=partitions,
        topic_disable_leader=True,
        web_enabled=False,
        broker_session_timeout=session_s,
        broker_heartbeat_interval=session_s / 10,
    )
    source = app.topic(env["COPY_WORKER_SOURCE"], key_serializer="raw", value_serializer="raw")
    sinks = env["COPY_WORKER_SINKS"].split(",")
    copies = app.Table("copies", default=int, key_type=bytes, partitions=partitions)

    async def copy(stream: Any) -> None:
        async for event in stream.events():
            for sink in sinks:
                await app.producer.send_and_wait(sink, key=event.key, value=event.value, partition=None,
                                                 timestamp=None, headers=None)
            copies[event.key or b""] += 1

    app.agent(source, concurrency=1, name="copy")(copy)
    return app


if __name__ == "__main__":
    Worker(create_app(dict(os.environ)), loglevel="WARNING").execute_from_commandline()
