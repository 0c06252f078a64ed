"""A batch becomes durable output first, state second; a failed phase is sent again alone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from hub.app import producer
from hub.app.producer import Sender
from hub.ingest.records import Out

CHANGELOG = "hub-cases-changelog"


class Producer:
    """Acknowledges each record at once (offset = its number), except the first `refuse` sends to `topic`."""

    def __init__(self, refuse: int = 0, topic: str = CHANGELOG) -> None:
        self.sent: list[str] = []
        self.refuse, self.topic = refuse, topic

    async def send(self, topic: str, key: bytes | None, value: bytes | None, partition: int | None,
                   _timestamp: None, _headers: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.refuse and topic == self.topic:
            self.refuse -= 1
            future.set_exception(ConnectionError("broker unavailable"))
        else:
            self.sent.append(topic)
            future.set_result(SimpleNamespace(topic=topic, partition=partition or 0, offset=len(self.sent)))
        return future


BATCH = [Out(CHANGELOG, b"case-1", b"{}", partition=1), Out("hub.status", b"case-1", b"{}"),
         Out("hub.delivery", b"ihk", b"<x/>"), Out(CHANGELOG, b"case-2", b"{}", partition=1)]


def test_the_state_is_sent_after_the_output_of_its_batch() -> None:
    sender = Sender(SimpleNamespace(producer=None), state_topics=[CHANGELOG])
    assert sender.phases(BATCH) == [[BATCH[1], BATCH[2]], [BATCH[0], BATCH[3]]]
    assert Sender(SimpleNamespace(producer=None)).phases(BATCH) == [BATCH]  # nothing declared as state


def test_on_written_learns_each_phase_once_acknowledged() -> None:
    kafka = Producer()
    seen: list[list[str]] = []
    sender = Sender(SimpleNamespace(producer=kafka), state_topics=[CHANGELOG],
                    on_written=lambda outs, _metas: seen.append([o.topic for o in outs]))
    asyncio.run(sender.send(BATCH))
    assert kafka.sent == ["hub.status", "hub.delivery", CHANGELOG, CHANGELOG]
    assert seen == [["hub.status", "hub.delivery"], [CHANGELOG, CHANGELOG]]


def test_a_failed_state_phase_is_retried_without_sending_the_output_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(producer, "RETRY_DELAY_S", 0.0)
    kafka = Producer(refuse=1)
    sender = Sender(SimpleNamespace(producer=kafka), state_topics=[CHANGELOG])
    asyncio.run(sender.send_until_written(BATCH))
    # the output once; the state phase whole again (its second record had got through the first time)
    assert kafka.sent == ["hub.status", "hub.delivery", CHANGELOG, CHANGELOG, CHANGELOG]


def test_when_the_output_fails_no_state_is_sent() -> None:
    kafka = Producer(refuse=1, topic="hub.delivery")
    sender = Sender(SimpleNamespace(producer=kafka), state_topics=[CHANGELOG])
    with pytest.raises(ConnectionError):
        asyncio.run(sender.send(BATCH))
    assert kafka.sent == ["hub.status"]
