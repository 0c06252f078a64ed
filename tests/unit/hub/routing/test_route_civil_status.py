"""Certificate requests reach the Standesamt that keeps the entry; the portal's addressing is trusted only as far as
the entry's own place agrees. Deliveries reach the portal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from hub import pipeline
from hub.cli.main import cli
from hub.pipeline import Routing
from hub.routing.directory import Authority, Directory
from hub.routing.errors import (
    OutsideServedStates,
    PlaceOfOtherAuthority,
    PlaceOutsideServedStates,
    PlaceWithoutAuthority,
    ReaderMismatch,
    RoutingError,
    UnknownAuthority,
)
from hub.routing.route import ADDRESSED_READER, route
from hub.routing.rules import DerivedRole
from hub.settings import Settings
from tests.unit.connectors.civil_status import xps_support as build
from topics.envelope import Envelope

BENSHEIM, HEPPENHEIM, LAMPERTHEIM = "psw:06431002", "psw:06431011", "psw:06431013"


@pytest.fixture(scope="module")
def samples(settings: Settings) -> dict[str, bytes]:
    paths = sorted((settings.shared_dir / "samples" / "xpersonenstand").glob("*.xml"))
    return {p.stem.split(".")[2].split("_")[0]: p.read_bytes() for p in paths}


def _event(data: bytes) -> Envelope:
    return pipeline.read(data, max_bytes=10**6).envelope


def _request(samples: dict[str, bytes], place: str, reader: str = BENSHEIM, register: str = "Geburt") -> Envelope:
    data = build.with_header(build.electronic_request(samples["081032"], register, place=place), "leser", reader)
    return _event(data)


def _keys(event: Envelope, routing: Routing, directory: Directory | None = None) -> list[str]:
    return [r.key for r in route(event, directory or routing.directory, routing.rules, routing.catalogue)]


def _parked(event: Envelope, routing: Routing, directory: Directory | None = None) -> RoutingError:
    with pytest.raises(RoutingError) as info:
        _keys(event, routing, directory)
    assert info.value.field in ("kind/geburtsort", "ags", "reader")
    assert info.value.code.isascii()  # codes stay ASCII; the reasons are German
    return info.value


@pytest.mark.parametrize("number", ["081030", "081032"])
def test_both_sample_requests_reach_standesamt_bensheim(samples: dict[str, bytes], routing: Routing,
                                                        number: str) -> None:
    recipients = route(_event(samples[number]), routing.directory, routing.rules, routing.catalogue)
    assert [(r.key, r.rule, r.as_sent) for r in recipients] == [(BENSHEIM, ADDRESSED_READER, True)]
    assert recipients[0].also == ("urkundenanforderung-an-standesamt-des-eintrags",)
    assert recipients[0].topic == routing.catalogue.delivery  # served by its pull inbox
    assert recipients[0].authority.delivery.channel == "inbox"


def test_the_delivery_reaches_the_portal(samples: dict[str, bytes], routing: Routing) -> None:
    assert _keys(_event(samples["081033"]), routing) == ["dbs:06999001"]


def test_a_delivery_addressed_to_anyone_but_the_portal_is_parked(samples: dict[str, bytes], routing: Routing) -> None:
    event = _event(build.with_header(samples["081033"], "leser", HEPPENHEIM))
    with pytest.raises(ReaderMismatch) as info:
        _keys(event, routing)
    assert HEPPENHEIM in info.value.detail and "dbs:06999001" in info.value.detail


@pytest.mark.parametrize("place", ["Heppenheim", "Heppenheim (Bergstraße)", "HEPPENHEIM"])
def test_an_entry_of_another_standesamts_area_is_parked_naming_both(samples: dict[str, bytes], routing: Routing,
                                                                    place: str) -> None:
    error = _parked(_request(samples, place), routing)
    assert isinstance(error, PlaceOfOtherAuthority) and error.code == "routing.place_of_other_authority"
    assert "Standesamt Bensheim (psw:06431002)" in error.detail
    assert "Standesamt Heppenheim (psw:06431011)" in error.detail
    assert error.field == "kind/geburtsort"
    assert "Heppenheim" not in error.detail.replace("Standesamt Heppenheim", "")  # the place itself is not named


def test_a_standesamtsbezirk_of_several_municipalities(samples: dict[str, bytes], routing: Routing) -> None:
    for town in ("Lampertheim", "Biblis", "Groß-Rohrheim"):
        assert _keys(_request(samples, town, reader=LAMPERTHEIM), routing) == [LAMPERTHEIM]
        error = _parked(_request(samples, town), routing)
        assert isinstance(error, PlaceOfOtherAuthority) and LAMPERTHEIM in error.detail


@pytest.mark.parametrize(("register", "field"), [("Ehe", "beurkundeteEhe/ortEhe"),
                                                 ("LP", "beurkundeteLP/ortBegruendung"),
                                                 ("Sterbefall", "beurkundeterSterbefall/sterbeort")])
def test_every_registers_place_decides(samples: dict[str, bytes], routing: Routing, register: str,
                                       field: str) -> None:
    assert _keys(_request(samples, "Viernheim", reader="psw:06431020", register=register), routing) == [
        "psw:06431020"]
    with pytest.raises(PlaceOfOtherAuthority) as info:
        _keys(_request(samples, "Viernheim", register=register), routing)
    assert info.value.field == field


def test_a_place_outside_the_served_states_is_parked(samples: dict[str, bytes], routing: Routing) -> None:
    error = _parked(_request(samples, "München"), routing)
    assert isinstance(error, PlaceOutsideServedStates) and error.code == "routing.place_outside_served_states"
    assert "außerhalb der Länder" in error.detail and "Bayern" in error.detail and "Hessen" in error.detail
    assert "München" not in error.detail


def test_a_standesamt_outside_the_served_states_is_parked(samples: dict[str, bytes], routing: Routing) -> None:
    error = _parked(_request(samples, "München", reader="psw:09162000"), routing)
    assert isinstance(error, OutsideServedStates) and error.code == "routing.unknown_municipality"
    assert "09162000" in error.detail and "Bayern" in error.detail


def test_a_hessian_place_no_standesamt_of_the_directory_serves(samples: dict[str, bytes], routing: Routing) -> None:
    error = _parked(_request(samples, "Wiesbaden"), routing)
    assert isinstance(error, PlaceWithoutAuthority) and error.code == "routing.place_without_authority"
    assert BENSHEIM in error.detail and "Hessen" in error.detail


@pytest.mark.parametrize("place", ["Bensheim-Auerbach", "Frankfurt", "Bensheim, Stadt", "bensheim"])
def test_a_place_that_contradicts_nothing_leaves_the_addressed_standesamt(samples: dict[str, bytes],
                                                                         routing: Routing, place: str) -> None:
    assert _keys(_request(samples, place), routing) == [BENSHEIM]


def test_an_ambiguous_name_is_settled_by_the_addressing(samples: dict[str, bytes], routing: Routing) -> None:
    fuerth = Authority(key="psw:06431007", name="Standesamt Fürth", role="standesamt", serves=("06431007",))
    directory = Directory(list(routing.directory.municipalities.values()),
                          [*routing.directory.authorities.values(), fuerth], places=routing.directory.places)
    # "Fürth" is Fürth (Odenwald) in Kreis Bergstraße or the city of Fürth in Bavaria
    assert _keys(_request(samples, "Fürth", reader=fuerth.key), routing, directory) == [fuerth.key]
    error = _parked(_request(samples, "Fürth"), routing, directory)
    assert isinstance(error, PlaceOfOtherAuthority)
    assert "je nach Gemeinde dieses Namens" in error.detail and "außerhalb der bedienten Länder" in error.detail
    assert fuerth.key in error.detail


def test_an_unknown_standesamt_is_refused(samples: dict[str, bytes], routing: Routing) -> None:
    with pytest.raises(UnknownAuthority):
        _keys(_request(samples, "Bensheim", reader="psw:06431019"), routing)


def test_a_role_takes_its_municipality_from_one_source_only() -> None:
    with pytest.raises(ValidationError, match="at most one"):
        DerivedRole(role="standesamt", ags_from="vorherige_gemeinde", place_from="ereignisort")


def test_route_explain_names_why_a_request_would_be_parked(samples: dict[str, bytes], tmp_path: Path) -> None:
    message = tmp_path / "anforderung.xml"
    message.write_bytes(build.with_place(samples["081032"], "Heppenheim"))
    result = CliRunner().invoke(cli, ["route", "--explain", str(message)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "XPersonenstand 26.11 081032" in lines[1] and "an psw:06431002" in lines[1]
    assert lines[2].startswith("  geparkt: routing.place_of_other_authority: Die Nachricht ist an Standesamt Bensheim")
    assert "Standesamt Heppenheim (psw:06431011)" in lines[2]


def test_every_standesamt_receives_the_requests_for_its_bezirk_and_no_other(samples: dict[str, bytes],
                                                                           routing: Routing) -> None:
    request = _event(samples["081032"])
    offices = routing.directory.roles["standesamt"]
    assert len(offices) >= 2
    for office in offices:
        for ags in (a for a in routing.directory.municipalities if office.coverage(a)):
            place = routing.directory.municipalities[ags].name.split(", ")[0]  # as a citizen would write it
            for addressed in offices:
                event = request.model_copy(update={
                    "reader": addressed.key, "ags": addressed.kennung,
                    "attributes": {**request.attributes, "ereignisort": place}})
                if addressed is office:
                    assert _keys(event, routing) == [office.key], (office.key, ags)
                else:
                    with pytest.raises(PlaceOfOtherAuthority) as info:
                        _keys(event, routing)
                    assert office.key in info.value.detail and addressed.key in info.value.detail
