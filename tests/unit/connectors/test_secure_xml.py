"""The hardened parser refuses every hostile input quickly with its precise reason, and never opens a file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from connectors.errors import ConnectorError, EmptyMessage, ForbiddenXmlConstruct, MalformedXml, OversizedMessage
from connectors.reading import read_message
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.support.file_watch import FileWatch, make_canaries, watching
from tests.support.hostile import TRADE, Canaries, Hostile, body_of, parser_corpus, sample

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def canaries(tmp_path_factory: pytest.TempPathFactory) -> Canaries:
    return make_canaries(tmp_path_factory.mktemp("canaries"))


@pytest.fixture(scope="module")
def corpus(canaries: Canaries) -> dict[str, Hostile]:
    return {h.name: h for h in parser_corpus(Settings().shared_dir, canaries, max_bytes=LIMIT)}


@pytest.fixture
def watch(canaries: Canaries) -> Iterator[FileWatch]:
    with watching(canaries) as running:
        yield running


NAMES = [h.name for h in parser_corpus(Settings().shared_dir, Canaries(Path("/e"), Path("/f"), Path("/m")),
                                       max_bytes=LIMIT)]


@pytest.mark.parametrize("name", NAMES)
def test_every_hostile_input_gets_its_precise_reason_fast_without_opening_a_file(
        name: str, corpus: dict[str, Hostile], watch: FileWatch) -> None:
    hostile = corpus[name]
    started = time.monotonic()
    if hostile.accepted:
        reading = read_message(hostile.body, max_bytes=LIMIT, config=Settings().connector_config)
        assert reading.envelope.author == "MELDID:06431002"
    else:
        with pytest.raises(ConnectorError) as info:
            read_message(hostile.body, max_bytes=LIMIT, config=Settings().connector_config)
        assert (info.value.code, info.value.http_status) == (hostile.code, hostile.status), str(info.value)
        assert hostile.reason in info.value.detail, info.value.detail
    assert time.monotonic() - started < 1.0
    assert watch.opened() == []


def test_the_answer_does_not_tell_whether_the_named_file_exists(corpus: dict[str, Hostile]) -> None:
    for family in ("external-dtd", "utf16-nobom-dtd"):
        details = set()
        for variant in ("file", "fifo", "missing"):
            with pytest.raises(ConnectorError) as info:
                parse_secure(corpus[f"{family}-{variant}"].body, max_bytes=LIMIT)
            details.add(info.value.detail)
        assert len(details) == 1, details


def test_a_doctype_inside_a_comment_is_text(settings: Settings) -> None:
    trade = sample(settings.shared_dir, TRADE)
    data = trade.replace("<xga:nachrichtenkopf>", "<!-- <!DOCTYPE x [<!ENTITY y 'z'>]> --><xga:nachrichtenkopf>")
    assert parse_secure(data.encode(), max_bytes=LIMIT).getroot().tag.endswith("gewerbemeldung.0300")


def test_a_doctype_after_a_comment_is_still_found(settings: Settings) -> None:
    data = '<?xml version="1.0"?>\n<!-- a -->\n<!-- <!DOCTYPE in comment> -->\n<!DOCTYPE x SYSTEM "x.dtd"><x/>'
    with pytest.raises(ForbiddenXmlConstruct) as info:
        parse_secure(data.encode(), max_bytes=LIMIT)
    assert "DTD (Zeile 4)" in info.value.detail


def test_a_utf8_byte_order_mark_and_lowercase_utf8_are_utf8(settings: Settings) -> None:
    body = body_of(sample(settings.shared_dir, TRADE))
    for data in (b"\xef\xbb\xbf" + ('<?xml version="1.0" encoding="utf-8"?>' + body).encode(), body.encode()):
        assert parse_secure(data, max_bytes=LIMIT).getroot().tag.endswith("gewerbemeldung.0300")


def test_the_watch_sees_libxml2_open_a_file(canaries: Canaries, watch: FileWatch) -> None:
    """Control: a parser that loads DTDs does open the canaries, and the watch reports it (else it proves nothing)."""
    loading = etree.XMLParser(load_dtd=True, no_network=True)
    for canary in (canaries.existing, canaries.fifo):
        etree.fromstring(f'<!DOCTYPE x SYSTEM "file://{canary}"><x/>'.encode(), parser=loading)
    deadline = time.monotonic() + 5
    seen: list[str] = []
    while time.monotonic() < deadline and len(set(seen)) < 2:
        seen += watch.opened()
        time.sleep(0.01)
    assert {canaries.existing.name, canaries.fifo.name} <= set(seen)


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(MalformedXml) as info:
        parse_secure(b"<a>\n<b></a>", max_bytes=10_000)
    assert "Zeile 2" in info.value.detail
    assert info.value.code == "xml.malformed"


def test_oversized_body_is_refused_before_parsing() -> None:
    with pytest.raises(OversizedMessage) as info:
        parse_secure(b"<a>" + b"x" * 100 + b"</a>", max_bytes=50)
    assert info.value.http_status == 413


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_empty_body(data: bytes) -> None:
    with pytest.raises(EmptyMessage):
        parse_secure(data, max_bytes=10)


def test_plain_document_parses(anmeldung_bensheim: bytes) -> None:
    tree = parse_secure(anmeldung_bensheim, max_bytes=len(anmeldung_bensheim))
    assert tree.getroot().tag.endswith("gewerbemeldung.0300")
