"""Filters and formatting of parked items: pure, on the shared samples and made-up records."""

from __future__ import annotations

import json

import pytest

from hub.deadletter import AmbiguousItem, ItemNotFound
from hub.deadletter.query import (
    by_authority,
    by_id_prefix,
    by_reason,
    format_detail,
    format_table,
    origin_of,
    resolve,
    select,
    to_json,
)
from hub.deadletter.store import ParkedItem
from tests.unit.hub.deadletter.fakes import dead_letter, item
from topics.envelope import DeadLetter

LIMIT = 1_000_000
MALFORMED = b"<xga:kaputt"


@pytest.fixture
def items(anmeldung_bensheim: bytes) -> list[ParkedItem]:
    munich = anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>")
    return [
        item(dead_letter("aaaa1111-0000", reason_code="xml.malformed", origin="http"), MALFORMED),
        item(dead_letter("aaaa2222-0000", minutes=1, reason_code="routing.unknown_municipality",
                         topic="trade.ingest", partition=2, offset=41, case_id="c-1", standard="XGewerbeanzeige"),
             munich, partition=1, offset=7),
        item(dead_letter("bbbb3333-0000", minutes=2, reason_code="delivery.failed", recipient="fin:2605",
                         topic="trade.outbound.fin-2605", attempts=3), b"<y/>"),
    ]


def test_reason_filter_takes_an_exact_code_or_a_prefix(items: list[ParkedItem]) -> None:
    assert [i.id for i in by_reason(items, "xml.malformed")] == ["aaaa1111-0000"]
    assert [i.id for i in by_reason(items, "routing.")] == ["aaaa2222-0000"]
    assert [i.id for i in by_reason(items, "routing")] == ["aaaa2222-0000"]
    assert by_reason(items, "xml.mal") == []  # a prefix ends at a dot, so codes are not matched by accident
    assert by_reason(items, "rout") == []


def test_authority_filter_matches_recipient_author_and_reader(items: list[ParkedItem]) -> None:
    assert [i.id for i in by_authority(items, "fin:2605", max_bytes=LIMIT)] == ["bbbb3333-0000"]
    assert [i.id for i in by_authority(items, "MELDID:09162000", max_bytes=LIMIT)] == ["aaaa2222-0000"]
    assert [i.id for i in by_authority(items, "ihk:06411000", max_bytes=LIMIT)] == ["aaaa2222-0000"]
    assert by_authority(items, "xga:06431000", max_bytes=LIMIT) == []


def test_filters_combine(items: list[ParkedItem]) -> None:
    assert [i.id for i in select(items, reason="routing", authority="ihk:06411000", max_bytes=LIMIT)] == [
        "aaaa2222-0000"]
    assert select(items, reason="xml", authority="ihk:06411000", max_bytes=LIMIT) == []
    assert select(items, max_bytes=LIMIT) == items


def test_id_prefix_resolves_one_item_or_says_why_not(items: list[ParkedItem]) -> None:
    assert [i.id for i in by_id_prefix(items, "aaaa")] == ["aaaa1111-0000", "aaaa2222-0000"]
    assert resolve(items, "bbbb").id == "bbbb3333-0000"
    assert resolve(items, "aaaa2222-0000").id == "aaaa2222-0000"
    with pytest.raises(AmbiguousItem, match="2 parked items start with 'aaaa'"):
        resolve(items, "aaaa")
    with pytest.raises(ItemNotFound, match="'zz'"):
        resolve(items, "zz")
    with pytest.raises(ItemNotFound):
        resolve(items, "")


def test_origin_names_the_kafka_position_or_the_stage() -> None:
    assert origin_of(dead_letter("x", origin="http")) == "http"
    assert origin_of(dead_letter("x", topic="trade.ingest", partition=2, offset=41)) == "trade.ingest[2]@41"
    assert origin_of(dead_letter("x", topic="trade.outbound.fin-2605")) == "trade.outbound.fin-2605"


def test_table_has_one_aligned_line_per_item(items: list[ParkedItem]) -> None:
    lines = format_table(items, max_bytes=LIMIT).splitlines()
    assert lines[0].split() == ["ID", "PARKED", "AT", "(UTC)", "REASON", "ORIGIN", "AUTHORITY", "ATTEMPTS"]
    assert lines[1].split() == ["aaaa1111", "2025-03-01", "08:00:00", "xml.malformed", "http", "-", "1"]
    assert lines[2].split() == ["aaaa2222", "2025-03-01", "08:01:00", "routing.unknown_municipality",
                                "trade.ingest[2]@41", "MELDID:09162000", "1"]
    assert lines[3].split()[-3:] == ["trade.outbound.fin-2605", "fin:2605", "3"]
    assert lines[0].index("REASON") == lines[1].index("xml.") == lines[2].index("routing.")


def test_detail_prints_every_field_and_the_payload_only_on_request(items: list[ParkedItem]) -> None:
    unroutable = items[1]
    text = format_detail(unroutable, max_bytes=LIMIT)
    for name in DeadLetter.model_fields:
        assert f"\n{name}:" in f"\n{text}"
    assert "routing.unknown_municipality" in text and "trade.ingest" in text and "c-1" in text
    assert "XGewerbeanzeige 2.1 0300 from MELDID:09162000 to ihk:06411000" in text
    assert "partition 1, offset 7" in text
    assert "<?xml" not in text and "hidden" in text
    shown = format_detail(unroutable, payload=True, max_bytes=LIMIT)
    assert shown.endswith(unroutable.payload.decode())
    assert "does not read" in format_detail(items[0], max_bytes=LIMIT)


def test_json_carries_the_fields_and_the_payload_only_on_request(items: list[ParkedItem]) -> None:
    data = to_json(items[1], max_bytes=LIMIT)
    assert data["id"] == "aaaa2222-0000" and data["reason_code"] == "routing.unknown_municipality"
    assert data["origin_label"] == "trade.ingest[2]@41" and data["authority"] == "MELDID:09162000"
    assert "payload" not in data and data["payload_bytes"] == len(items[1].payload)
    json.dumps(data)
    assert to_json(items[0], payload=True, max_bytes=LIMIT)["payload"] == MALFORMED.decode()
    binary = item(dead_letter("bin"), b"\xff\xfe")
    assert to_json(binary, payload=True, max_bytes=LIMIT)["payload_base64"] == "//4="
