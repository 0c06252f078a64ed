"""A business moves from Viernheim to Bensheim: one case, and each trade office receives its copy of the other's
notification. Another office that only borrows the business's id gets a case of its own and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.hub_process import RunningHub, drop_topics, new_config, operator_token, start_hub, stop_hub
from tests.support.trade_variants import naming_previous_location
from tests.support.xpath import text

pytestmark = pytest.mark.integration
VIERNHEIM, BENSHEIM, HEPPENHEIM = "MELDID:06431020", "MELDID:06431002", "MELDID:06431011"


@pytest.fixture
def hub_and_offices(kafka_bootstrap: str,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningHub, dict[str, str]]]:
    config = new_config(kafka_bootstrap, tmp_path_factory)
    offices = {key: config.add_token(f"Gewerbeamt {key}", (key,)) for key in (VIERNHEIM, BENSHEIM, HEPPENHEIM)}
    hub = start_hub(config, operator_token(config))
    try:
        yield hub, offices
    finally:
        stop_hub(hub)
        drop_topics(hub)


def _office(data: bytes) -> str:
    root = etree.fromstring(data)
    return f"{text(root, 'x:nachrichtenkopf/x:autor//x:praefix/code')}:" \
           f"{text(root, 'x:nachrichtenkopf/x:autor//x:kennung/code')}"


def _samples(shared_dir: Path) -> tuple[bytes, bytes]:
    samples = shared_dir / "samples" / "xgewerbeanzeige"
    return (next(samples.glob("*abmeldung_viernheim*.xml")).read_bytes(),
            next(samples.glob("*viernheim-nach-bensheim*.xml")).read_bytes())


def test_business_move_is_one_case_and_both_offices_are_informed(
        hub_and_offices: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, offices = hub_and_offices
    abmeldung, at_new_place = _samples(shared_dir)
    old_place = text(etree.fromstring(abmeldung), "x:satz/*/x:gemeindeSchluessel/code")
    neu = naming_previous_location(at_new_place, old_place)
    old_office, new_office = _office(abmeldung), _office(neu)
    assert (old_office, new_office) == (VIERNHEIM, BENSHEIM)
    first, second = hub.post(abmeldung, token=offices[VIERNHEIM]), hub.post(neu, token=offices[BENSHEIM])
    assert first.status == second.status == 202
    case_id = first.body["case_id"]
    everyone = {old_office, new_office, "xga:06431000", "fin:2605", "xga:06000000", "ihk:06411000"}

    def both_informed(timeline: list[dict[str, Any]]) -> bool:
        informed = {e.get("recipient") for e in timeline if "Verlegung" in (e.get("reason") or "")}
        delivered = {e.get("recipient") for e in timeline if e["status"] == "delivered"}
        return informed >= {old_office, new_office} and delivered >= everyone

    timeline = hub.wait_for_timeline(case_id, both_informed)
    assert {e["message_id"] for e in timeline if e["status"] == "received"} == \
        {first.body["message_id"], second.body["message_id"]}  # the move is one case
    to_old, to_new = hub.inbox(old_office), hub.inbox(new_office)
    assert [entry["message_id"] for entry, _p in to_old] == [second.body["message_id"]]
    assert [entry["message_id"] for entry, _p in to_new] == [first.body["message_id"]]
    for office, (_entry, copy) in ((old_office, to_old[0]), (new_office, to_new[0])):  # each its own copy
        assert text(etree.fromstring(copy), "x:nachrichtenkopf/x:leser//x:kennung/code") == office.split(":")[1]


def test_an_office_borrowing_a_business_id_gets_its_own_case_and_nothing_of_the_other(
        hub_and_offices: tuple[RunningHub, dict[str, str]], shared_dir: Path) -> None:
    hub, offices = hub_and_offices
    abmeldung, at_new_place = _samples(shared_dir)
    owner = hub.post(abmeldung, token=offices[VIERNHEIM])
    borrowed = hub.post(at_new_place, token=offices[BENSHEIM])  # names no previous place: no move
    assert owner.status == borrowed.status == 202
    assert owner.body["case_id"] != borrowed.body["case_id"]
    hub.wait_for_timeline(borrowed.body["case_id"], lambda t: any(e["status"] == "delivered" for e in t))
    hub.wait_for_timeline(owner.body["case_id"], lambda t: any(e["status"] == "delivered" for e in t))
    refused = hub.get(f"/api/v1/cases/{owner.body['case_id']}", token=offices[BENSHEIM])
    assert refused.status == 403  # it cannot read the other office's timeline
    assert all(owner.body["message_id"] != entry["message_id"] for entry, _p in hub.inbox(BENSHEIM))
    assert all(borrowed.body["message_id"] != entry["message_id"] for entry, _p in hub.inbox(VIERNHEIM))
