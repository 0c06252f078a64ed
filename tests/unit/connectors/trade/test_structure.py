"""Structural check of XGewerbeanzeige 2.1 and 2.2 by the content-model table: every missing or misplaced part is
reported with its path, in German, and such a message is parked."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.errors import ConnectorError
from connectors.secure_xml import parse_secure
from connectors.trade.parse import parse_gewerbemeldung
from connectors.trade.structure import TableError, load_table
from hub.app.web import read_or_error
from hub.ingest.accept import Acceptor
from hub.pipeline import Rejection, Routing
from tests.support.trade_variants import XGA_21, in_namespace, without
from tests.support.xpath import nodes
from topics.envelope import DEADLETTER_HEADER, DeadLetter, from_headers

XGA_22 = "http://www.xgewerbeanzeige.de/spezifikation/2.2"
SATZ = "x:satz/x:anmeldung"


def _findings(data: bytes) -> dict[str, ConnectorError]:
    with pytest.raises(ConnectorError) as caught:
        parse_gewerbemeldung(parse_secure(data, max_bytes=1_000_000))
    return {str(e.field): e for e in caught.value.all_errors}


def _mutated(data: bytes, change: str) -> bytes:
    root = etree.fromstring(data)
    anmeldung = nodes(root, SATZ)[0]
    if change == "gueltigAb vor gewerbe":
        gueltig = nodes(anmeldung, "x:gueltigAb")[0]
        nodes(anmeldung, "x:gewerbe")[0].addprevious(gueltig)
    elif change == "fremdes Element im Kopf":
        etree.SubElement(nodes(root, "x:nachrichtenkopf")[0], f"{{{XGA_21}}}bemerkung").text = "x"
    elif change == "zweiter Kopf":
        root.insert(1, etree.fromstring(etree.tostring(nodes(root, "x:nachrichtenkopf")[0])))
    elif change == "uuid ohne Namensraum":
        nodes(anmeldung, "x:uuid")[0].tag = "uuid"
    elif change == "unbekanntes Element im Gewerbe":
        etree.SubElement(nodes(anmeldung, "x:gewerbe")[0], f"{{{XGA_21}}}erlaubnis").text = "x"
    return etree.tostring(root)


def test_the_shared_samples_are_structurally_valid(trade_samples: list[Path]) -> None:
    for path in trade_samples:
        for namespace in (XGA_21, XGA_22):
            parse_gewerbemeldung(parse_secure(in_namespace(path.read_bytes(), namespace), max_bytes=1_000_000))


@pytest.mark.parametrize("namespace", [XGA_21, XGA_22])
def test_an_anmeldung_without_satzerstellung_names_that_path(anmeldung_bensheim: bytes, namespace: str) -> None:
    found = _findings(in_namespace(without(anmeldung_bensheim, f"{SATZ}/x:satzErstellung"), namespace))
    error = found["satz/anmeldung/satzErstellung"]
    assert error.code == "message.missing_field"
    assert "fehlt" in error.detail and "Pflichtelement" in error.detail
    assert list(found) == ["satz/anmeldung/satzErstellung"]


@pytest.mark.parametrize("namespace", [XGA_21, XGA_22])
def test_an_anmeldung_without_betriebart_and_familienname_names_both(anmeldung_bensheim: bytes,
                                                                     namespace: str) -> None:
    broken = without(anmeldung_bensheim, f"{SATZ}/x:gewerbe/x:betriebArt",
                     f"{SATZ}/x:gewerbe/x:beteiligtePerson/x:familienname")
    found = _findings(in_namespace(broken, namespace))
    assert set(found) == {"satz/anmeldung/gewerbe/betriebArt", "satz/anmeldung/gewerbe/beteiligtePerson/familienname"}
    assert all(e.code == "message.missing_field" and "fehlt" in e.detail for e in found.values())


@pytest.mark.parametrize(("change", "path", "code", "wording"), [
    ("gueltigAb vor gewerbe", "satz/anmeldung/gewerbe", "schema.invalid", "es gehört vor gueltigAb"),
    ("fremdes Element im Kopf", "nachrichtenkopf/bemerkung", "schema.invalid", "nicht erlaubt"),
    ("zweiter Kopf", "nachrichtenkopf[2]", "schema.invalid", "höchstens 1-mal"),
    ("uuid ohne Namensraum", "satz/anmeldung/uuid", "schema.invalid", f"im Namensraum {XGA_21}"),
])
def test_misplaced_and_undeclared_parts_are_reported(anmeldung_bensheim: bytes, change: str, path: str, code: str,
                                                     wording: str) -> None:
    found = _findings(_mutated(anmeldung_bensheim, change))
    assert path in found, list(found)
    assert found[path].code == code and wording in found[path].detail


def test_open_content_accepts_elements_the_table_does_not_list(anmeldung_bensheim: bytes) -> None:
    parse_gewerbemeldung(parse_secure(_mutated(anmeldung_bensheim, "unbekanntes Element im Gewerbe"),
                                      max_bytes=1_000_000))


def test_a_structurally_invalid_message_is_parked_with_every_path(routing: Routing,
                                                                  anmeldung_bensheim: bytes) -> None:
    broken = without(anmeldung_bensheim, f"{SATZ}/x:gewerbe/x:betriebArt",
                     f"{SATZ}/x:gewerbe/x:beteiligtePerson/x:familienname")
    outcome, outs = Acceptor(routing).decide(broken, read_or_error(broken, 1_000_000), sender=lambda _a: True)
    assert isinstance(outcome, Rejection) and outcome.http_status == 422
    assert {p["field"] for p in outcome.problems()} == {"satz/anmeldung/gewerbe/betriebArt",
                                                        "satz/anmeldung/gewerbe/beteiligtePerson/familienname"}
    parked = [o for o in outs if o.topic == routing.catalogue.deadletter]
    assert len(parked) == 1 and parked[0].value == broken
    record = from_headers(parked[0].headers, DEADLETTER_HEADER, DeadLetter)
    assert record is not None and record.reason_code == "message.missing_field"
    assert not [o for o in outs if o.topic == routing.catalogue.trade_ingest]


def test_a_table_naming_an_undefined_type_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "t.toml"
    table.write_text('[version."1"]\nroot = "a"\n[type.a]\nchildren = ["b: fehlt"]\n', encoding="utf-8")
    with pytest.raises(TableError) as caught:
        load_table(table)
    assert "fehlt" in str(caught.value)
