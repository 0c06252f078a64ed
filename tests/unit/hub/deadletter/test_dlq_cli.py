"""`hub dlq` without a broker: reading and producing are replaced, the commands' behaviour is real."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from hub.cli import dlq
from hub.cli.dlq import dlq_group
from hub.deadletter import TopicMissing
from hub.deadletter.store import ParkedItem
from hub.settings import get_settings
from tests.unit.hub.deadletter.fakes import FakeProducer, dead_letter, item


@pytest.fixture
def parked(anmeldung_bensheim: bytes) -> list[ParkedItem]:
    munich = anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>")
    return [
        item(dead_letter("aaaa1111-0000", reason_code="xml.malformed", origin="http"), b"<xga:kaputt"),
        item(dead_letter("aaaa2222-0000", minutes=1, reason_code="routing.unknown_municipality",
                         topic="dev.trade.ingest", partition=0, offset=3), munich, partition=2),
    ]


@pytest.fixture
def producer(monkeypatch: pytest.MonkeyPatch, parked: list[ParkedItem]) -> Iterator[FakeProducer]:
    """A configured bootstrap, the items above on the dead-letter topic, and a recording producer."""
    fake = FakeProducer()
    topics: list[str] = []

    def read_parked(bootstrap: str, topic: str, *, client: dict[str, Any]) -> list[ParkedItem]:
        assert bootstrap == "kafka.example:9092"
        assert client == {"security_protocol": "PLAINTEXT"}
        topics.append(topic)
        return parked

    monkeypatch.setenv("HUB_KAFKA_BOOTSTRAP", "kafka.example:9092")
    monkeypatch.setenv("HUB_TOPIC_PREFIX", "dev.")
    monkeypatch.setattr(dlq, "read_parked", read_parked)
    monkeypatch.setattr(dlq, "open_producer", lambda bootstrap, client: fake)
    get_settings.cache_clear()
    yield fake
    get_settings.cache_clear()
    assert set(topics) <= {"dev.hub.deadletter"}


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(dlq_group, list(args), input=input)


@pytest.mark.parametrize("command", [[], ["list"], ["show"], ["replay"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_list_shows_a_line_per_item(producer: FakeProducer) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ID ") and lines[-1] == "2 parked item(s)."
    assert "aaaa1111" in lines[1] and "xml.malformed" in lines[1] and "http" in lines[1]
    assert "routing.unknown_municipality" in lines[2] and "dev.trade.ingest[0]@3" in lines[2]
    assert "<" not in result.output  # no payload


def test_list_filters_and_speaks_json(producer: FakeProducer) -> None:
    assert "aaaa1111" not in run("list", "--reason", "routing").output
    assert run("list", "--reason", "nothing.").output == "No parked items match.\n"
    data = json.loads(run("list", "--authority", "MELDID:09162000", "--json").output)
    assert [d["id"] for d in data] == ["aaaa2222-0000"] and "payload" not in data[0]


def test_show_takes_a_unique_prefix(producer: FakeProducer, parked: list[ParkedItem]) -> None:
    result = run("show", "aaaa2")
    assert result.exit_code == 0, result.output
    assert "reason_code:  routing.unknown_municipality" in result.output and "hidden" in result.output
    assert run("show", "aaaa1", "--payload").output.rstrip().endswith("<xga:kaputt")
    assert json.loads(run("show", "aaaa1", "--json", "--payload").output)["payload"] == "<xga:kaputt"
    ambiguous = run("show", "aaaa")
    assert ambiguous.exit_code == 1 and "2 parked items start with 'aaaa'" in ambiguous.output
    unknown = run("show", "ffff")
    assert unknown.exit_code == 1 and "no parked item" in unknown.output


def test_replay_of_one_item(producer: FakeProducer) -> None:
    result = run("replay", "aaaa2")
    assert result.exit_code == 0, result.output
    assert "replayed aaaa2222 → dev.trade.ingest" in result.output
    assert result.output.rstrip().endswith("1 replayed, 0 skipped")
    assert [s.topic for s in producer.sent] == ["dev.trade.ingest", "dev.hub.deadletter"]


def test_replay_all_asks_first(producer: FakeProducer) -> None:
    declined = run("replay", "--all", input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output and producer.sent == []
    result = run("replay", "--all", input="y\n")
    assert result.exit_code == 0, result.output
    assert "skipped aaaa1111: the standard cannot be determined" in result.output
    assert result.output.rstrip().endswith("1 replayed, 1 skipped")
    assert run("replay", "--all", "--reason", "nothing", "--yes").output == "Nothing to replay.\n"


def test_replay_that_kafka_refuses_exits_1(producer: FakeProducer) -> None:
    producer.failing = ("dev.trade.ingest",)
    result = run("replay", "--all", "--reason", "routing", "--yes")
    assert result.exit_code == 1 and "0 replayed, 0 skipped, 1 failed" in result.output


@pytest.mark.parametrize("args", [[], ["aaaa1", "--all"], ["aaaa1", "--reason", "xml"]])
def test_replay_needs_either_an_id_or_all(producer: FakeProducer, args: list[str]) -> None:
    result = run("replay", *args)
    assert result.exit_code == 2 and producer.sent == []


def test_a_missing_topic_is_a_clear_error(producer: FakeProducer, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(bootstrap: str, topic: str, *, client: dict[str, Any]) -> list[ParkedItem]:
        raise TopicMissing(f"topic {topic} does not exist")

    monkeypatch.setattr(dlq, "read_parked", missing)
    result = run("list")
    assert result.exit_code == 1 and "Error: topic dev.hub.deadletter does not exist" in result.output


def test_without_kafka_it_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HUB_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))  # no local broker runs there
    get_settings.cache_clear()
    try:
        result = run("list")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "no Kafka: start it with `hub kafka start` or set HUB_KAFKA_BOOTSTRAP" in result.output


def test_the_group_is_named_dlq() -> None:
    assert isinstance(dlq_group, click.Group) and dlq_group.name == "dlq"
    assert set(dlq_group.commands) == {"list", "show", "replay"}
