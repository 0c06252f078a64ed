"""A recipient that does not fetch holds up nobody: 10,000 waiting messages are listed page by page, and another
recipient is served meanwhile; no Kafka record grows with the backlog."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.support.hub_process import RunningHub, hub_running, new_config
from tests.support.messages import fresh_anmeldungen
from topics.envelope import ENVELOPE_HEADER, Envelope, to_header

pytestmark = pytest.mark.integration
BACKLOG = 10_000
IDLE = "hwk:06412000"  # the chamber of crafts: it receives copies but never fetches them here


@pytest.fixture(scope="module")
def hub(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    with hub_running(new_config(kafka_bootstrap, tmp_path_factory)) as running:
        yield running


def _copies(hub: RunningHub, count: int) -> list[str]:
    """`count` copies for IDLE on the delivery stream, as the ingest stage writes them (keyed by recipient)."""
    producer = KafkaProducer(bootstrap_servers=hub.bootstrap, acks="all", linger_ms=20, batch_size=1024 * 1024)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    try:
        for message_id in ids:
            envelope = Envelope(case_id=str(uuid.uuid4()), message_id=message_id, standard="XGewerbeanzeige",
                                version="2.1", message_type="0300", kinds=("anmeldung",), author="MELDID:06431002",
                                reader=IDLE, ags="06431002", occurred_at=datetime.now(UTC), recipient=IDLE)
            producer.send(hub.catalogue.delivery, key=IDLE.encode(), value=b"<copy/>",
                          headers=[to_header(ENVELOPE_HEADER, envelope)])
        producer.flush(timeout=120)
    finally:
        producer.close()
    return ids


def _list(hub: RunningHub) -> tuple[list[str], list[int]]:
    """The idle chamber's inbox as a recipient pages through it: the message ids, and the size of each page."""
    listed: list[str] = []
    sizes: list[int] = []
    after = None
    while True:
        page = hub.get(f"/api/v1/inbox/{IDLE}?limit=1000" + (f"&after={after}" if after else ""))
        assert page.status == 200, page.body
        listed += [w["message_id"] for w in page.body["waiting"]]
        sizes.append(len(page.body["waiting"]))
        after = page.body["next"]
        if after is None:
            return listed, sizes


def test_a_large_backlog_is_listed_page_by_page_and_holds_up_nobody(hub: RunningHub, shared_dir: Path) -> None:
    ids = _copies(hub, BACKLOG)
    [(_message_id, data)] = fresh_anmeldungen(shared_dir, 1)
    answer = hub.post(data)
    assert answer.status == 202
    # the other recipients of this message are served although the idle chamber's 10,000 copies are not fetched
    hub.wait_for_timeline(answer.body["case_id"],
                          lambda t: {e.get("recipient") for e in t if e["status"] == "delivered"} >= {"ihk:06411000"},
                          timeout_s=120)
    deadline = time.monotonic() + 180
    while True:  # the worker offers the backlog at its own pace; list it until all of it waits there
        listed, pages = _list(hub)
        if len(listed) >= BACKLOG or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert listed == ids  # every one, once, in the order they arrived
    assert pages == [1000] * (BACKLOG // 1000)
    changelog = hub.read_topic(hub.catalogue.changelog("inbox"), expect=2 * BACKLOG, timeout_s=60, settle_s=1)
    assert max(len(r.value or b"") for r in changelog) < 1024  # entries point at copies: no record grows
