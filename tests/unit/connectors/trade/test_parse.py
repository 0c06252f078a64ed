"""The trade parser reads every sample and names the exact part that is missing or wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.errors import (
    ConnectorError,
    InvalidField,
    MissingField,
    UnknownMessageType,
    UnknownStandard,
    UnsupportedVersion,
)
from connectors.secure_xml import parse_secure
from connectors.trade.model import Gewerbemeldung
from connectors.trade.parse import parse_gewerbemeldung
from tests.support.xpath import X, nodes, text

NS = X["x"]


def _parse(data: bytes) -> Gewerbemeldung:
    return parse_gewerbemeldung(parse_secure(data, max_bytes=1_000_000))


def _mutate(data: bytes, xpath: str, action: str, value: str = "") -> bytes:
    root = etree.fromstring(data)
    for node in nodes(root, xpath):
        parent = node.getparent()
        if action == "remove" and parent is not None:
            parent.remove(node)
        elif action == "text":
            node.text = value
        elif action == "rename":
            node.tag = value
    return etree.tostring(root)


def test_every_sample_is_read_with_its_own_values(trade_samples: list[Path]) -> None:
    for path in trade_samples:
        data = path.read_bytes()
        root = etree.fromstring(data)
        meldung = parse_gewerbemeldung(parse_secure(data, max_bytes=1_000_000))
        assert meldung.nachrichten_uuid == text(root, "//x:nachrichtenUUID")
        autor = f"{text(root, 'x:nachrichtenkopf/x:autor//x:praefix/code')}:" \
                f"{text(root, 'x:nachrichtenkopf/x:autor//x:kennung/code')}"
        assert meldung.autor.dvdv == autor
        assert meldung.leser.kennung == text(root, "x:nachrichtenkopf/x:leser//x:kennung/code")
        assert meldung.gemeinde_ags == text(root, "x:satz/*/x:gemeindeSchluessel/code")
        kinds = [etree.QName(e).localname for e in nodes(root, "x:satz/*")]
        assert list(meldung.arten) == kinds
        assert meldung.meldungen[0].gewerbebetrieb_id == text(root, "//x:gewerbebetriebID")


def test_the_three_kinds_are_recognised(trade_samples: list[Path]) -> None:
    kinds = {k for p in trade_samples for k in parse_gewerbemeldung(
        parse_secure(p.read_bytes(), max_bytes=1_000_000)).arten}
    assert kinds == {"anmeldung", "ummeldung", "abmeldung"}


def test_handwerk_flag_follows_betriebart(anmeldung_bensheim: bytes) -> None:
    craft = _mutate(anmeldung_bensheim, "//x:betriebArt/x:handwerk/code", "text", "1")
    assert _parse(craft).handwerk is True
    assert _parse(anmeldung_bensheim).handwerk is False


def test_missing_message_id_names_the_field(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(MissingField) as info:
        _parse(_mutate(anmeldung_bensheim, "//x:nachrichtenUUID", "remove"))
    assert info.value.field == "nachrichtenkopf/identifikation.nachricht/nachrichtenUUID"


def test_missing_municipality_names_record_and_field(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(MissingField) as info:
        _parse(_mutate(anmeldung_bensheim, "//x:satz/*/x:gemeindeSchluessel", "remove"))
    assert info.value.field == "satz/anmeldung/gemeindeSchluessel"
    expected_id = text(etree.fromstring(anmeldung_bensheim), "//x:nachrichtenUUID")
    assert info.value.message_id == expected_id


def test_missing_reader_is_reported(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(MissingField) as info:
        _parse(_mutate(anmeldung_bensheim, "x:nachrichtenkopf/x:leser", "remove"))
    assert info.value.field == "nachrichtenkopf/leser"


def test_malformed_ags_is_invalid(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(InvalidField):
        _parse(_mutate(anmeldung_bensheim, "//x:satz/*/x:gemeindeSchluessel/code", "text", "6431"))


def test_message_type_must_match_root(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(InvalidField) as info:
        _parse(_mutate(anmeldung_bensheim, "//x:nachrichtentyp/code", "text", "0100"))
    assert "widerspricht" in info.value.detail


def test_unknown_record_kind(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(ConnectorError) as info:
        _parse(_mutate(anmeldung_bensheim, "x:satz/x:anmeldung", "rename", f"{{{NS}}}nachmeldung"))
    found = {(e.code, e.field) for e in info.value.all_errors}
    assert ("schema.invalid", "satz/nachmeldung") in found  # not an element a Satz may hold
    assert ("message.missing_field", "satz") in found  # and the Satz holds none of anmeldung, ummeldung, abmeldung


def test_an_unknown_root_kind_is_an_unknown_message_type(anmeldung_bensheim: bytes) -> None:
    with pytest.raises(UnknownMessageType):
        _parse(anmeldung_bensheim.replace(b"alg.gewerbemeldung.0300", b"xyz.gewerbemeldung.0300"))
    with pytest.raises(UnknownMessageType):  # a known kind with another kind's type code
        _parse(anmeldung_bensheim.replace(b"alg.gewerbemeldung.0300", b"alg.gewerbemeldung.0100"))


def test_other_namespace_is_unknown_standard(anmeldung_bensheim: bytes) -> None:
    other = anmeldung_bensheim.replace(NS.encode(), b"urn:example:other")
    with pytest.raises(UnknownStandard):
        _parse(other)


def test_version_one_is_unsupported(anmeldung_bensheim: bytes) -> None:
    old = anmeldung_bensheim.replace(NS.encode(), b"http://www.xgewerbeanzeige.de/spezifikation/1.4")
    with pytest.raises(UnsupportedVersion):
        _parse(old)


def test_every_independent_error_is_reported(anmeldung_bensheim: bytes) -> None:
    broken = _mutate(anmeldung_bensheim, "x:nachrichtenkopf/x:leser", "remove")
    broken = _mutate(broken, "//x:erstellungszeitpunkt", "text", "gestern")
    broken = _mutate(broken, "//x:satz/*/x:gemeindeSchluessel/code", "text", "6431")
    with pytest.raises(ConnectorError) as info:
        _parse(broken)
    found = [(type(e).__name__, e.field) for e in info.value.all_errors]
    assert found == [
        ("MissingField", "nachrichtenkopf/leser"),
        ("InvalidField", "nachrichtenkopf/identifikation.nachricht/erstellungszeitpunkt"),
        ("InvalidField", "satz/anmeldung/gemeindeSchluessel"),
    ]
    assert all(e.message_id for e in info.value.all_errors)
