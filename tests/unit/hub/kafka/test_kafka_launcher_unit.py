"""LocalKafka and `hub kafka` without a broker: defaults, validation, stale pid files and missing tools."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli.kafka import kafka_group
from hub.kafka import (
    InvalidLauncherSetting,
    LocalKafka,
    PortInUse,
    ToolMissing,
)
from hub.kafka.process import is_alive, read_pid, tail
from hub.settings import Settings, get_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(cache_dir=tmp_path / "cache", data_dir=tmp_path / "var", **overrides)  # type: ignore[arg-type]


@pytest.fixture
def broker(tmp_path: Path) -> LocalKafka:
    return LocalKafka(_settings(tmp_path), port=_free_port(), controller_port=_free_port())


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_defaults_come_from_settings(tmp_path: Path) -> None:
    kafka = LocalKafka(_settings(tmp_path, kafka_port=19092, kafka_controller_port=19093))

    assert kafka.bootstrap == "127.0.0.1:19092"
    assert kafka.controller_port == 19093
    assert kafka.data_dir == (tmp_path / "var" / "kafka").resolve()
    assert kafka.version == "4.1.1"


def test_keyword_overrides(tmp_path: Path) -> None:
    kafka = LocalKafka(_settings(tmp_path), data_dir=tmp_path / "d", port=29092, controller_port=29093)

    assert (kafka.bootstrap, kafka.controller_port, kafka.data_dir) == (
        "127.0.0.1:29092",
        29093,
        (tmp_path / "d").resolve(),
    )


def test_status_of_a_fresh_data_dir(broker: LocalKafka) -> None:
    status = broker.status()

    assert (status.running, status.pid, status.answering) == (False, None, False)
    assert status.bootstrap == broker.bootstrap
    assert status.version == "4.1.1"


@pytest.mark.parametrize("pid_source", ["dead", "alive-but-not-kafka", "garbage"])
def test_stale_pid_file_is_not_a_running_broker(broker: LocalKafka, pid_source: str) -> None:
    broker.data_dir.mkdir(parents=True)
    content = {"dead": str(_dead_pid()), "alive-but-not-kafka": str(os.getpid()), "garbage": "x"}
    broker.pid_file.write_text(content[pid_source])
    lines: list[str] = []

    assert not broker.status().running
    broker.stop(progress=lines.append)

    assert not broker.pid_file.exists()
    assert lines == ["Broker not running (removed stale pid file)"]


def test_stop_without_broker_is_a_no_op(broker: LocalKafka) -> None:
    lines: list[str] = []
    broker.stop(progress=lines.append)
    assert lines == ["Broker not running"]


@pytest.mark.parametrize(
    ("overrides", "kwargs", "message"),
    [
        ({}, {"port": 19092, "controller_port": 19092}, "must differ"),
        ({"kafka_heap": "lots"}, {}, "not a JVM size"),
        ({"kafka_version": "3.9.0"}, {}, "Apache Kafka 4.x"),
    ],
)
def test_invalid_settings_fail_before_anything_runs(
    tmp_path: Path, overrides: dict[str, str], kwargs: dict[str, int], message: str
) -> None:
    kafka = LocalKafka(_settings(tmp_path, **overrides), **kwargs)  # type: ignore[arg-type]

    with pytest.raises(InvalidLauncherSetting, match=message):
        kafka.start()
    assert not (tmp_path / "cache").exists()


def test_port_in_use_is_reported(tmp_path: Path, listening: int) -> None:
    kafka = LocalKafka(_settings(tmp_path), port=listening, controller_port=_free_port())

    with pytest.raises(PortInUse, match=f"127.0.0.1:{listening} is already in use"):
        kafka.start()


def test_missing_java_stops_start_before_resolution(tmp_path: Path) -> None:
    kafka = LocalKafka(
        _settings(tmp_path), port=_free_port(), controller_port=_free_port(), env={"PATH": str(tmp_path)}
    )

    with pytest.raises(ToolMissing, match=r"^java not found on PATH: Apache Kafka 4\.x needs Java 17"):
        kafka.start()
    assert not (tmp_path / "cache").exists()


def test_missing_mvn_on_cold_cache(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    kafka = LocalKafka(_settings(tmp_path), port=_free_port(), controller_port=_free_port(), env={"PATH": str(bin_dir)})

    with pytest.raises(ToolMissing, match=r"^mvn not found on PATH: .*apt-get install maven"):
        kafka.start()


def test_process_helpers(tmp_path: Path) -> None:
    (tmp_path / "pid").write_text("123\n")
    (tmp_path / "log").write_text("\n".join(f"line {i}" for i in range(100)))

    assert read_pid(tmp_path / "pid") == 123
    assert read_pid(tmp_path / "missing") is None
    assert not is_alive(_dead_pid())
    assert tail(tmp_path / "log", 2) == "line 98\nline 99"
    assert tail(tmp_path / "missing") == ""


def test_cli_help_texts() -> None:
    runner = CliRunner()
    for command, text in [
        ([], "single-node Apache Kafka broker"),
        (["start"], "wait until it answers"),
        (["stop"], "SIGTERM"),
        (["status"], "Exits 0 when Kafka answers"),
    ]:
        result = runner.invoke(kafka_group, [*command, "--help"])
        assert result.exit_code == 0
        assert text in result.output


def test_cli_start_without_java_exits_non_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    args = ["start", "--data-dir", str(tmp_path / "d"), "--port", str(_free_port())]
    args += ["--controller-port", str(_free_port())]

    result = CliRunner().invoke(kafka_group, args)

    assert result.exit_code == 1
    assert "Error: java not found on PATH" in result.output


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The CLI reads the process-wide settings: parse them anew from this test's environment, and after it."""
    monkeypatch.delenv("HUB_KAFKA_BOOTSTRAP", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_cli_status_when_not_running(tmp_path: Path, fresh_settings: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(kafka_group, ["status", "--data-dir", str(tmp_path)])

    assert result.exit_code == 1
    assert "not running" in result.output
    assert "Answers:   no" in result.output


def test_cli_status_of_a_named_cluster_that_does_not_answer(fresh_settings: pytest.MonkeyPatch) -> None:
    address = f"127.0.0.1:{_free_port()}"
    fresh_settings.setenv("HUB_KAFKA_BOOTSTRAP", address)
    get_settings.cache_clear()
    result = CliRunner().invoke(kafka_group, ["status"])

    assert result.exit_code == 1
    assert f"Cluster:   {address} (HUB_KAFKA_BOOTSTRAP)" in result.output
    assert "Answers:   no" in result.output and "not running" not in result.output
