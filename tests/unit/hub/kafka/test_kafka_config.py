"""server.properties and log4j2 rendering: the broker settings the hub relies on are really there."""

from __future__ import annotations

from pathlib import Path

from hub.kafka.config import (
    BrokerConfig,
    read_bootstrap,
    render_log4j2_properties,
    render_server_properties,
)


def _parse(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_server_properties_single_node_kraft_on_loopback(tmp_path: Path) -> None:
    props = _parse(render_server_properties(BrokerConfig(19092, 19093, tmp_path / "kraft")))

    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["controller.listener.names"] == "CONTROLLER"
    assert props["controller.quorum.bootstrap.servers"] == "127.0.0.1:19093"
    assert "controller.quorum.voters" not in props  # dynamic quorum, formatted with --standalone
    assert props["log.dirs"] == str(tmp_path / "kraft")


def test_server_properties_hub_defaults(tmp_path: Path) -> None:
    props = _parse(render_server_properties(BrokerConfig(9092, 9093, tmp_path)))

    assert props["auto.create.topics.enable"] == "false"
    assert props["num.partitions"] == "3"
    assert props["offsets.topic.num.partitions"] == "10"
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"
    assert props["share.coordinator.state.topic.replication.factor"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert int(props["message.max.bytes"]) >= 8 * 1024 * 1024 + 1024
    assert props["replica.fetch.max.bytes"] == props["message.max.bytes"]


def test_server_properties_escapes_backslashes() -> None:
    text = render_server_properties(BrokerConfig(9092, 9093, Path("/data/we\\ird")))
    assert "log.dirs=/data/we\\\\ird" in text


def test_log4j2_writes_info_to_file_not_console(tmp_path: Path) -> None:
    log_file = tmp_path / "server.log"
    props = _parse(render_log4j2_properties(log_file))

    assert props["appender.file.fileName"] == str(log_file)
    assert props["rootLogger.level"] == "INFO"
    assert props["rootLogger.appenderRef.file.ref"] == "FILE"
    assert props["shutdownHook"] == "disable"  # Kafka's shutdown lines still reach the file
    assert not any(value == "Console" for value in props.values())


def test_read_bootstrap_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "server.properties"
    path.write_text(render_server_properties(BrokerConfig(29092, 29093, tmp_path)), encoding="utf-8")

    assert read_bootstrap(path) == "127.0.0.1:29092"
    assert read_bootstrap(tmp_path / "missing.properties") is None
