"""Property-based fuzzing of the parsers: whatever the bytes, reading a message either succeeds or raises a
ConnectorError, and never opens a file.

Byte-level inputs (arbitrary bytes, mutated samples, hostile prologs) mostly stop at the hardened parser; edited
samples stay well-formed and reach each of the four connectors' own reading, with and without their schemas.

File access is detected by the kernel, not by patching Python: every input names canary files (an existing file
and a FIFO) in the places a parser could load from (external DTD, parameter and general entities, XInclude,
stylesheet), and `tests.support.file_watch` reports any open of them by libxml2 or Python (inotify, plus a thread
that sees a reader waiting on the FIFO). `test_secure_xml.test_the_watch_sees_libxml2_open_a_file` shows the watch
catches a parser that does load them.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from connectors.config import ConnectorConfig
from connectors.errors import ConnectorError
from connectors.reading import read_message
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.support.file_watch import FileWatch, make_canaries, watching
from tests.support.hostile import Canaries, body_of

LIMIT = 256 * 1024
SHARED = Settings().shared_dir
CONFIG = Settings().connector_config
UNCHECKED = dataclasses.replace(CONFIG, validate=False)  # as the worker reads what the API checked: no XSD guard
SAMPLES = [p.read_bytes() for folder in ("xgewerbeanzeige", "xbau", "xmeld", "xpersonenstand")
           for p in sorted((SHARED / "samples" / folder).glob("*.xml"))]
UNICODE_DIGITS = ("\uff10", "\uff12", "\u0662", "\u0968", "\u00b2", "\u2463")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "iso-8859-1", "cp1252")
DECLARED = (None, "UTF-8", "utf-8", "UTF-16", "UTF-16LE", "ISO-8859-1", "US-ASCII", "UTF-32", "EBCDIC-CP-DE", "")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_canaries: Canaries | None = None
_watch: FileWatch | None = None


@pytest.fixture(scope="module", autouse=True)
def canary_watch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileWatch]:
    """One watch for the module: hypothesis runs many examples per test and forbids function-scoped fixtures."""
    global _canaries, _watch
    for data in SAMPLES:  # schemas and code lists are loaded once, before anything is watched
        read_message(data, max_bytes=LIMIT, config=CONFIG)
    _canaries = make_canaries(tmp_path_factory.mktemp("fuzz-canaries"))
    with watching(_canaries) as watch:
        _watch = watch
        yield watch
    _canaries = _watch = None


def _canary_urls() -> list[str]:
    assert _canaries is not None
    return [f"file://{_canaries.existing}", f"file://{_canaries.fifo}", str(_canaries.existing),
            f"file://{_canaries.missing}"]


def _only_connector_errors_and_no_file_opened(data: bytes, config: ConnectorConfig = CONFIG) -> None:
    try:
        read_message(data, max_bytes=LIMIT, config=config)
    except ConnectorError as error:
        assert error.code and error.detail and 400 <= error.http_status < 500
    assert _watch is not None
    assert _watch.opened() == [], "a canary file was opened"


@st.composite
def hostile_documents(draw: st.DrawFn) -> bytes:
    """A sample (or a tiny document) wrapped in prologs and markup that would make a careless parser load files."""
    url = draw(st.sampled_from(_canary_urls()))
    prolog_parts = [
        f'<!DOCTYPE x SYSTEM "{url}">',
        f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{url}"> %p;]>',
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "{url}">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        f'<!DOCTYPE x PUBLIC "-//hub//canary" "{url}">',
        f'<?xml-stylesheet type="text/xsl" href="{url}"?>',
        f'<!-- <!DOCTYPE x SYSTEM "{url}"> -->',
        "<!---->", "\n", "  ",
    ]
    body = body_of(draw(st.sampled_from(SAMPLES)).decode()) if draw(st.booleans()) else "<x>&e;</x>"
    inserts = [f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}"/>', "&e;", "&#0;", "&#x110000;",
               f'<?hub {url}?>', "<![CDATA[<!DOCTYPE x>]]>", "\ufeff", "\x00"]
    if draw(st.booleans()) and ">" in body:
        cut = body.index(">", draw(st.integers(0, max(0, len(body) // 2)))) + 1
        body = body[:cut] + draw(st.sampled_from(inserts)) + body[cut:]
    declared = draw(st.sampled_from(DECLARED))
    declaration = "" if declared is None else f'<?xml version="1.0" encoding="{declared}"?>'
    if declared == "":
        declaration = '<?xml version="1.0"?>'
    prolog = "".join(draw(st.lists(st.sampled_from(prolog_parts), max_size=3)))
    text = declaration + prolog + body
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    """A shared sample with bytes replaced, inserted or deleted at random places."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 8))):
        where = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(("replace", "insert", "delete")))
        if action == "replace":
            data[where] = draw(st.integers(0, 255))
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=12))
        else:
            del data[where:where + draw(st.integers(1, 40))]
    return bytes(data)


@st.composite
def unicode_digit_samples(draw: st.DrawFn) -> bytes:
    """A shared sample with some ASCII digits in its text replaced by other Unicode digits."""
    text = draw(st.sampled_from(SAMPLES)).decode()
    positions = [i for i, c in enumerate(text) if c.isascii() and c.isdigit()]
    chosen = draw(st.lists(st.sampled_from(positions), min_size=1, max_size=6, unique=True))
    chars = list(text)
    for position in chosen:
        chars[position] = draw(st.sampled_from(UNICODE_DIGITS))
    return "".join(chars).encode()


EDIT_TEXTS = st.one_of(st.sampled_from(("", " ", "0", "-1", "x" * 300, "9999-99-99", "2026-02-30T25:00:00",
                                         "MELDID:", ":", "psw:0643100\uff12", "\u202e", "<", "&amp;")),
                       st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"),
                               max_size=40))  # what XML text may hold


@st.composite
def edited_samples(draw: st.DrawFn) -> bytes:
    """A shared sample, well-formed, with elements removed, emptied, duplicated, moved or given other text.

    Unlike byte mutations these pass the parser and reach each connector's own reading of the tree: the messages
    of all four standards, with parts missing, repeated or odd."""
    root = etree.fromstring(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        elements = [e for e in root.iterdescendants() if isinstance(e.tag, str)]  # the root keeps its name
        if not elements:
            break
        target = draw(st.sampled_from(elements))
        parent = target.getparent()
        assert parent is not None
        action = draw(st.sampled_from(("remove", "empty", "text", "duplicate", "move", "rename")))
        if action == "remove":
            parent.remove(target)
        elif action == "empty":
            for child in list(target):
                target.remove(child)
            target.text = None
        elif action == "text":
            target.text = draw(EDIT_TEXTS)
        elif action == "duplicate":
            parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
        elif action == "move":
            host = draw(st.sampled_from([root, *elements]))
            if host is not target and target not in host.iterancestors():
                host.append(target)
        else:
            target.tag = str(target.tag) + draw(st.sampled_from(("X", "0")))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("config", [CONFIG, UNCHECKED], ids=["with-schemas", "without-schemas"])
@FUZZ
@given(data=edited_samples())
def test_edited_samples(config: ConnectorConfig, data: bytes) -> None:
    _only_connector_errors_and_no_file_opened(data, config)


@FUZZ
@given(hostile_documents())
def test_hostile_documents(data: bytes) -> None:
    _only_connector_errors_and_no_file_opened(data)


@FUZZ
@given(mutated_samples())
def test_mutated_samples(data: bytes) -> None:
    _only_connector_errors_and_no_file_opened(data)


@FUZZ
@given(unicode_digit_samples())
def test_unicode_digits_in_samples(data: bytes) -> None:
    _only_connector_errors_and_no_file_opened(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    _only_connector_errors_and_no_file_opened(data)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text_reaches_only_the_parser_errors(text: str) -> None:
    with contextlib.suppress(ConnectorError):
        parse_secure(text.encode("utf-8", errors="surrogatepass"), max_bytes=LIMIT)
    assert _watch is not None and _watch.opened() == []

