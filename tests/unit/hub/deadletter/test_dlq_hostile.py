"""The operator's tools read every parked hostile payload quickly with the hardened reader, opening no file."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hub.deadletter.payload import read_stored
from hub.deadletter.query import format_detail, format_table, select, to_json
from hub.deadletter.replay import Skip, plan
from hub.deadletter.store import ParkedItem
from hub.pipeline import Routing
from hub.routing.explain import explain
from hub.settings import Settings
from tests.support.file_watch import FileWatch, make_canaries, watching
from tests.support.hostile import Canaries, Hostile, parser_corpus
from tests.unit.hub.deadletter.fakes import dead_letter, item
from topics.catalogue import Catalogue

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def canaries(tmp_path_factory: pytest.TempPathFactory) -> Canaries:
    return make_canaries(tmp_path_factory.mktemp("dlq-canaries"))


@pytest.fixture
def corpus(canaries: Canaries, settings: Settings) -> list[Hostile]:
    return [h for h in parser_corpus(settings.shared_dir, canaries, max_bytes=LIMIT) if not h.accepted]


@pytest.fixture
def parked(corpus: list[Hostile]) -> list[ParkedItem]:
    return [item(dead_letter(f"{i:04d}-{h.name}", minutes=i, reason_code=h.code, origin="http"), h.body, offset=i)
            for i, h in enumerate(corpus)]


@pytest.fixture
def watch(canaries: Canaries) -> Iterator[FileWatch]:
    read_stored.cache_clear()
    with watching(canaries) as running:
        yield running


def test_list_show_and_replay_planning_read_every_parked_hostile_item_fast(
        parked: list[ParkedItem], watch: FileWatch) -> None:
    started = time.monotonic()
    table = format_table(select(parked, max_bytes=LIMIT), max_bytes=LIMIT)
    details = [format_detail(i, max_bytes=LIMIT) for i in parked]
    as_json = [to_json(i, max_bytes=LIMIT) for i in parked]
    by_author = select(parked, authority="MELDID:06431002", max_bytes=LIMIT)
    plans = [plan(i, Catalogue(), max_bytes=LIMIT) for i in parked]
    assert time.monotonic() - started < 2.0
    assert watch.opened() == []
    assert len(table.splitlines()) == len(parked) + 1
    assert all("does not read as an XÖV message" in d for d in details)
    assert all(j["authority"] is None for j in as_json)
    assert by_author == []
    assert all(isinstance(p, Skip) for p in plans)  # nothing names its standard, so nothing can be replayed


def test_explain_parks_every_hostile_input_with_its_reason(corpus: list[Hostile], routing: Routing,
                                                           watch: FileWatch) -> None:
    for hostile in corpus:
        started = time.monotonic()
        account = explain(hostile.body, routing, max_bytes=LIMIT)
        assert time.monotonic() - started < 1.0, hostile.name
        assert account["parked"]["code"] == hostile.code, hostile.name
        assert hostile.reason in account["parked"]["reason"], hostile.name
    assert watch.opened() == []
