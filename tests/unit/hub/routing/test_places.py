"""Place names as citizens write them, matched against every municipality of the Destatis AGS list."""

from __future__ import annotations

import pytest

from hub.pipeline import Routing
from hub.routing.places import Place, PlaceIndex, name_keys, normalise


def _ags(routing: Routing, name: str) -> list[str]:
    return [p.ags for p in routing.directory.places.matching(name)]


@pytest.mark.parametrize(("given", "ags"), [
    ("Bensheim", ["06431002"]),                 # the name before the designation ", Stadt"
    ("Bensheim, Stadt", ["06431002"]),          # the full official name
    ("  bensheim ", ["06431002"]),              # case and blanks do not count
    ("Heppenheim", ["06431011"]),               # without the qualifier of "Heppenheim (Bergstraße), Kreisstadt"
    ("Heppenheim (Bergstraße)", ["06431011"]),
    ("Lorsch", ["06431016"]),                   # "Lorsch, Karolingerstadt"
    ("Fürth", ["06431007", "09563000"]),        # Fürth (Odenwald) in Hesse and the city of Fürth in Bavaria
    ("München", ["09162000"]),                  # outside the served states, but a municipality
])
def test_a_name_matches_every_municipality_it_can_mean(routing: Routing, given: str, ags: list[str]) -> None:
    assert _ags(routing, given) == ags


@pytest.mark.parametrize("given", ["Bensheim-Auerbach", "Auerbach (Bensheim)", "Paris", "", "Bens",
                                   "Frankfurt"])  # not "Frankfurt (Oder)": short forms only within the served states
def test_ortsteile_variants_and_places_abroad_match_nothing(routing: Routing, given: str) -> None:
    assert _ags(routing, given) == []


def test_the_index_knows_whether_the_hub_serves_a_place(routing: Routing) -> None:
    served = {p.ags: p.served for p in routing.directory.places.matching("Fürth")}
    assert served == {"06431007": True, "09563000": False}
    assert routing.directory.places.by_ags["09162000"].state_name == "Bayern"
    assert len(routing.directory.places.by_ags) > 10_000  # the whole of Germany, not just Hesse


def test_name_keys_and_normalisation() -> None:
    official = "Heppenheim (Bergstraße), Kreisstadt"
    assert name_keys(official) == {normalise(official), normalise("Heppenheim (Bergstraße)"), "heppenheim"}
    assert name_keys("Frankfurt (Oder), Stadt", served=False) == {"frankfurt (oder), stadt", "frankfurt (oder)"}
    assert normalise("Gross-\u0308Rohrheim") != normalise("Groß-Rohrheim")  # no spelling variants
    assert normalise("Groß-Rohrheim") == normalise("GROSS-ROHRHEIM")  # case folding turns ß into ss


def test_an_index_of_given_places() -> None:
    index = PlaceIndex.of({"06431002": "Bensheim, Stadt", "09162000": "München, Landeshauptstadt", "064": "x"},
                          {"06": "Hessen", "09": "Bayern"}, served=["06"])
    assert index.matching("München") == (Place(ags="09162000", name="München, Landeshauptstadt", state="09",
                                                state_name="Bayern", served=False),)
    assert set(index.by_ags) == {"06431002", "09162000"}
