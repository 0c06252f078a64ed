"""The generated nationwide routing directory, and the TOML writer it is written with."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from hub.app.factory import codelist_dir, load_routing
from hub.bench.nationwide import generate
from hub.bench.toml_write import dumps
from hub.settings import Settings

ALL_STATES = tuple(f"{n:02d}" for n in range(1, 17))


def _read(path: Path) -> Any:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("name", ["authorities.toml", "rules.toml"])
def test_the_writer_round_trips_the_shipped_routing_data(settings: Settings, name: str) -> None:
    data = _read(settings.routing_dir / name)
    assert tomllib.loads(dumps(data)) == data


def test_the_writer_escapes_strings_and_keys() -> None:
    data = {"a": 'quote " and \\ and\nline', "b": [1, 2.5, True], "odd key": {"x": "ü"},
            "t": [{"inline": {"k": "v"}, "n": 1}]}
    assert tomllib.loads(dumps(data)) == data
    with pytest.raises(TypeError, match="cannot write"):
        dumps({"x": object()})


def test_every_state_and_municipality_template_is_served_and_only_nationwide_rules_widened(
        settings: Settings, tmp_path: Path) -> None:
    generated = generate(settings.routing_dir, codelist_dir(settings), tmp_path)
    assert generated.states == ALL_STATES  # the 16 states of the Destatis list
    authorities, rules = _read(tmp_path / "authorities.toml"), _read(tmp_path / "rules.toml")
    shipped = _read(settings.routing_dir / "authorities.toml")
    assert authorities["directory"]["states"] == list(ALL_STATES)
    templates = authorities["authority_per_municipality"]
    assert [t["role"] for t in templates] == ["meldebehoerde", "gemeindebauamt"]
    assert all(t["scope"] == list(ALL_STATES) for t in templates)
    assert authorities["authority"] == shipped["authority"]
    scopes = {r["id"]: r["scope"] for r in rules["rule"]}
    assert scopes["umzug-an-meldebehoerde-bisherige-wohnung"] == list(ALL_STATES)
    assert scopes["umzug-datenbereitstellung-an-meldebehoerde-neue-wohnung"] == list(ALL_STATES)
    # the district's own authorities serve only Kreis Bergstraße: its rules keep their scope
    assert scopes["gewerbeanzeige-bergstrasse"] == ["06431002", "06431011", "06431020"]
    assert scopes["bauantrag-bergstrasse"] == ["06431002", "06431011", "06431020"]
    assert set(generated.widened_rules) == {"umzug-an-meldebehoerde-bisherige-wohnung",
                                            "umzug-datenbereitstellung-an-meldebehoerde-neue-wohnung"}


def test_the_hub_loads_a_generated_directory(settings: Settings, tmp_path: Path) -> None:
    # Hamburg and Bremen besides Hesse: the hub's start-up checks, in seconds (every state takes minutes)
    generate(settings.routing_dir, codelist_dir(settings), tmp_path, states=("02", "04", "06"))
    routing = load_routing(Settings(routing_dir=tmp_path))
    municipalities = routing.directory.municipalities
    assert {ags[:2] for ags in municipalities} == {"02", "04", "06"}
    in_bremen = next(ags for ags in municipalities if ags.startswith("04"))
    assert routing.directory.responsible("meldebehoerde", in_bremen) is not None
    assert routing.directory.responsible("gemeindebauamt", in_bremen) is not None
