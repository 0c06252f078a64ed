"""Generated benchmark messages: the hub reads every one, identifiers are fresh and references stay consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from hub.bench.errors import BenchError
from hub.bench.messages import MessageFactory, fresh_value
from hub.pipeline import Routing, plan, read

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_BYTES = 4 * 1024 * 1024


def _texts(data: bytes) -> list[str]:
    """Every element text of a message (comments and processing instructions left out)."""
    root = etree.fromstring(data)
    return [(e.text or "").strip() for e in root.iter() if isinstance(e.tag, str)]


@pytest.mark.parametrize(("standard", "count"), [("XGewerbeanzeige", 6), ("XBau", 14), ("XMeld", 6)])
def test_every_generated_message_is_read_by_the_hub_with_the_recipients_of_its_sample(
        samples_dir: Path, routing: Routing, standard: str, count: int) -> None:
    factory = MessageFactory(samples_dir, standard)
    originals = factory.template_bytes()
    generated = list(factory.messages(count))
    assert len(generated) == count
    for message in generated:
        reading = read(message.body, max_bytes=MAX_BYTES)
        assert reading.envelope.standard == standard
        assert reading.envelope.message_id == message.message_id
        template = originals[message.template]
        planned = [d.recipient.key for d in plan(message.body, reading, routing)]
        expected = [d.recipient.key for d in plan(template, read(template, max_bytes=MAX_BYTES), routing)]
        assert planned == expected and planned


@pytest.mark.parametrize("standard", ["XGewerbeanzeige", "XBau", "XMeld"])
def test_no_identifier_of_the_samples_survives(samples_dir: Path, standard: str) -> None:
    factory = MessageFactory(samples_dir, standard)
    # every UUID-shaped value anywhere in the samples, found independently of the identifier list
    old = {m for data in factory.template_bytes().values() for t in _texts(data) for m in UUID_TEXT.findall(t)}
    assert old
    generated = list(factory.messages(2 * len(factory.templates)))
    left = {m for g in generated for t in _texts(g.body) for m in UUID_TEXT.findall(t)} & old
    assert not left
    assert len({g.message_id for g in generated}) == len(generated)


def test_trade_notifications_each_open_a_case_of_a_new_business(samples_dir: Path) -> None:
    factory = MessageFactory(samples_dir, "XGewerbeanzeige")
    readings = [read(g.body, max_bytes=MAX_BYTES).envelope for g in factory.messages(9)]
    businesses = [r.attributes["gewerbebetrieb_id"] for r in readings]
    assert len(set(businesses)) == 9
    assert len({r.case_id for r in readings}) == 9
    # each notification has its own number at its trade office, as real ones do (a shared one is a hot reference)
    assert len({r.attributes["gemeinde_meldung_nr"] for r in readings}) == 9


def test_an_xbau_application_and_its_answers_share_one_fresh_case_and_point_to_each_other(samples_dir: Path) -> None:
    factory = MessageFactory(samples_dir, "XBau")
    first, second = list(factory.messages(7)), list(factory.messages(7))
    sample = read(factory.template_bytes()[first[0].template], max_bytes=MAX_BYTES).envelope
    for series in (first, second):
        events = [read(g.body, max_bytes=MAX_BYTES).envelope for g in series]
        application = events[0]
        assert application.message_type == "0200"
        assert {e.case_id for e in events} == {application.case_id} != {sample.case_id}
        answers = [e for e in events if "bezug_nachricht" in e.attributes]
        assert answers and all(e.attributes["bezug_nachricht"] == application.message_id for e in answers)
        numbers = {e.attributes["aktenzeichen"] for e in events if "aktenzeichen" in e.attributes}
        assert len(numbers) == 1
    file_number = [read(s[2].body, max_bytes=MAX_BYTES).envelope.attributes["aktenzeichen"]
                   for s in (first, second)]
    assert file_number[0] != file_number[1]
    assert read(first[0].body, max_bytes=MAX_BYTES).envelope.case_id != \
        read(second[0].body, max_bytes=MAX_BYTES).envelope.case_id


def test_an_xmeld_provision_names_the_request_of_its_own_move(samples_dir: Path) -> None:
    factory = MessageFactory(samples_dir, "XMeld")
    moves = [list(factory.messages(3)) for _ in range(2)]
    for request, provision, _rueckmeldung in moves:
        root = etree.fromstring(provision.body)
        origin = root.xpath("//*[local-name()='ursprungsnachricht']/*[local-name()='nachrichtenUUID']/text()")
        assert origin == [request.message_id]
        assert read(request.body, max_bytes=MAX_BYTES).envelope.case_id == \
            read(provision.body, max_bytes=MAX_BYTES).envelope.case_id
    assert moves[0][0].message_id != moves[1][0].message_id


def test_a_count_cuts_the_last_series_short(samples_dir: Path) -> None:
    names = [g.template for g in MessageFactory(samples_dir, "XBau").messages(9)]
    assert [n.split("/")[1][:2] for n in names] == ["01", "02", "03", "04", "05", "06", "07", "01", "02"]


def test_fresh_values_keep_the_shape_of_the_original() -> None:
    plain = fresh_value("6b1e7f0a-2d3c-4e5f-8a9b-0c1d2e3f4a5b", "uuid", 1)
    assert UUID_TEXT.fullmatch(plain) and plain != "6b1e7f0a-2d3c-4e5f-8a9b-0c1d2e3f4a5b"
    assert fresh_value("urn:uuid:05924386-d852-4f8f-b5f9-9a97aa178591", "uuid", 1).startswith("urn:uuid:")
    assert fresh_value("63/BV/2026/01234", "number", 7) == "63/BV/2026/00007"
    assert fresh_value("63/BV/2026/01234", "number", 123456) == "63/BV/2026/123456"
    with pytest.raises(BenchError, match="not a UUID"):
        fresh_value("BEN-2026", "uuid", 1)
    with pytest.raises(BenchError, match="does not end in a number"):
        fresh_value("63/BV/X", "number", 1)


def test_a_standard_without_samples_is_refused(samples_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="no sample series"):
        MessageFactory(samples_dir, "XPersonenstand")
    with pytest.raises(BenchError, match="no samples"):
        MessageFactory(tmp_path, "XMeld")
