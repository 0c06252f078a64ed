"""The local Kafka launcher against a real broker: start, status, idempotent start, stop, restart, failures."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from hub.kafka import BrokerStartFailed, LocalKafka
from hub.kafka.process import is_alive, wait_exit
from hub.settings import Settings

pytestmark = pytest.mark.integration

MiB = 1024 * 1024


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalKafka]:
    """A launcher for a private broker in tmp_path; stopped after the test whatever happened."""
    port, controller_port = _free_ports(2)
    kafka = LocalKafka(
        Settings(), data_dir=tmp_path / "kafka", port=port, controller_port=controller_port, detach=False
    )
    yield kafka
    kafka.stop()


def _cluster_id(kafka: LocalKafka) -> str:
    for line in (kafka.log_dir / "meta.properties").read_text().splitlines():
        if line.startswith("cluster.id="):
            return line.partition("=")[2]
    raise AssertionError("meta.properties has no cluster.id")


def test_start_status_stop_restart(broker: LocalKafka) -> None:
    assert not broker.status().running
    lines: list[str] = []

    bootstrap = broker.start(progress=lines.append)

    assert bootstrap == broker.bootstrap
    assert "Formatting KRaft storage …" in lines
    assert lines[-1] == f"Broker ready on {bootstrap}"
    status = broker.status()
    assert (status.running, status.answering, status.bootstrap) == (True, True, bootstrap)
    assert status.pid is not None and broker.pid_file.read_text().strip() == str(status.pid)
    assert "Kafka Server started" in broker.server_log.read_text()
    assert " INFO " not in broker.console_log.read_text()  # the log goes to server.log, not the console
    cluster_id = _cluster_id(broker)

    again: list[str] = []
    assert broker.start(progress=again.append) == bootstrap
    assert again == [f"Broker already running (pid {status.pid}) on {bootstrap}"]

    broker.stop()
    assert not broker.pid_file.exists()
    assert not is_alive(status.pid)
    assert broker.status() == type(status)(
        running=False,
        pid=None,
        bootstrap=bootstrap,
        answering=False,
        data_dir=broker.data_dir,
        version=status.version,
    )

    restart: list[str] = []
    broker.start(progress=restart.append)
    assert "KRaft storage already formatted" in restart
    assert "Formatting KRaft storage …" not in restart
    assert _cluster_id(broker) == cluster_id
    assert broker.status().answering


def test_broker_takes_8_mib_records_and_creates_no_topics(broker: LocalKafka) -> None:
    bootstrap = broker.start()
    topic = f"launcher-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=9 * MiB)
        try:
            producer.send(topic, b"x" * (8 * MiB), key=b"big").get(timeout=30)
            producer.flush()
        finally:
            producer.close()
        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"{topic}-group",
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=10 * MiB,
            fetch_max_bytes=20 * MiB,
        )
        sizes: list[int] = []
        deadline = time.monotonic() + 30
        try:
            while not sizes and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=1000).values():
                    sizes += [len(record.value) for record in records]
        finally:
            consumer.close()
        assert sizes == [8 * MiB]
        assert f"{topic}-unknown" not in admin.list_topics()
        assert topic in admin.list_topics()
    finally:
        admin.close()


def test_broker_that_dies_during_start_reports_its_log(broker: LocalKafka) -> None:
    broker.log_dir.mkdir(parents=True)
    # A data dir formatted for another node: the broker refuses it at startup.
    (broker.log_dir / "meta.properties").write_text(
        "version=1\nnode.id=7\ncluster.id=Wrongclusterid0000000A\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n"
    )

    with pytest.raises(BrokerStartFailed, match="exited during startup") as info:
        broker.start()

    assert "last lines of" in str(info.value)
    assert not broker.pid_file.exists()


def test_session_fixture_broker_answers(kafka_bootstrap: str) -> None:
    topic = f"fixture-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        assert topic in admin.list_topics()
        admin.delete_topics([topic])
    finally:
        admin.close()


def _start_in_child(kafka: LocalKafka, *, detach: bool) -> subprocess.Popen[str]:
    """A separate Python process that starts `kafka`'s broker, prints "ready" and then idles."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from hub.kafka import LocalKafka\n"
        "from hub.settings import Settings\n"
        f"LocalKafka(Settings(), data_dir=Path({str(kafka.data_dir)!r}), port={kafka.port}, "
        f"controller_port={kafka.controller_port}, detach={detach}).start()\n"
        "print('ready', flush=True)\n"
        "time.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def test_attached_broker_dies_with_its_killed_starter(broker: LocalKafka) -> None:
    child = _start_in_child(broker, detach=False)
    pid = broker.status().pid
    assert pid is not None

    child.kill()
    child.communicate()

    assert wait_exit(pid, 30)


def test_detached_broker_outlives_its_starter(broker: LocalKafka) -> None:
    child = _start_in_child(broker, detach=True)
    child.kill()
    child.communicate()

    status = broker.status()
    assert status.running and status.answering
