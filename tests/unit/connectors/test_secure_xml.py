"""The hardened parser refuses DTDs, entities, malformed and oversized input, each with its own reason."""

from __future__ import annotations

import pytest

from connectors.errors import EmptyMessage, ForbiddenXmlConstruct, MalformedXml, OversizedMessage
from connectors.secure_xml import parse_secure

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE foo SYSTEM "http://127.0.0.1:1/evil.dtd"><foo/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    with pytest.raises(ForbiddenXmlConstruct) as info:
        parse_secure(data, max_bytes=10_000)
    assert "XXE" in info.value.detail


def test_utf16_doctype_is_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode("utf-16")
    with pytest.raises(ForbiddenXmlConstruct):
        parse_secure(data, max_bytes=10_000)


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(MalformedXml) as info:
        parse_secure(b"<a>\n<b></a>", max_bytes=10_000)
    assert "line 2" in info.value.detail
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

