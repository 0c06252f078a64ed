"""Lanes of every worker: this worker's from the partitions it owns actively (not its standby copies), the others'
asked over HTTP with the caller's credentials; a worker that refuses or does not answer is left out."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from faust.types import TP
from yarl import URL

from hub.app.ops_lanes import LANES_PATH, every_worker, local_lanes, peers
from hub.delivery.lanes import Lane
from hub.ops.overview import HeldLanes
from tests.support.table_stores import OFFSET_KEY, RocksStore, Table

CHANGELOG = "hub-lanes-changelog"  # the stand-in table's changelog
FAILING = Lane(failures=4, last_error="HTTP 503")


@dataclass
class Assignor:
    actives: set[TP]

    def assigned_actives(self) -> set[TP]:
        return self.actives


@dataclass
class Router:
    metadata: dict[str, dict[str, list[int]]]

    def table_metadata(self, name: str) -> dict[str, dict[str, list[int]]]:
        assert name == "lanes"
        return self.metadata


@dataclass
class Conf:
    canonical_url: URL


@dataclass
class App:
    assignor: Assignor
    router: Router
    conf: Conf
    http_client: Any = None


def _table() -> Table:
    return Table(RocksStore({0: {b"xga:06431000": FAILING.model_dump_json().encode(), OFFSET_KEY: b"9"},
                             1: {b"ihk:06411000": Lane(failures=1).model_dump_json().encode()},  # a standby copy
                             2: {b"bap:06000000": Lane().model_dump_json().encode()}}), partitions=4)


def _app(metadata: dict[str, dict[str, list[int]]] | None = None) -> App:
    actives = {TP(CHANGELOG, 0), TP(CHANGELOG, 2), TP("hub-cases-changelog", 1)}
    return App(Assignor(actives), Router(metadata or {}), Conf(URL("http://127.0.0.1:6066")))


def test_this_worker_reports_only_the_partitions_it_owns_actively() -> None:
    assert local_lanes(_app(), _table()) == HeldLanes(partitions=(0, 2), lanes={"xga:06431000": FAILING,
                                                                                  "bap:06000000": Lane()})


def test_the_peers_are_the_other_owners_of_lanes_partitions() -> None:
    app = _app({"http://127.0.0.1:6066": {CHANGELOG: [0, 2]}, "http://10.0.0.7:6066": {CHANGELOG: [1]},
                "http://10.0.0.8:6066": {CHANGELOG: []}})
    assert peers(app, _table()) == [URL("http://10.0.0.7:6066")]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_worker_that_answers_is_asked_with_the_callers_credentials() -> None:
    seen: list[str | None] = []
    peer_report = HeldLanes(partitions=(1, 3), lanes={"ihk:06411000": Lane(failures=1)})

    async def lanes(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response(body=peer_report.model_dump_json().encode(), content_type="application/json")

    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=403)

    async def scenario() -> list[HeldLanes]:
        answering, refusing = web.Application(), web.Application()
        answering.router.add_get(LANES_PATH, lanes)
        refusing.router.add_get(LANES_PATH, refuse)
        async with TestServer(answering) as good, TestServer(refusing) as bad, aiohttp.ClientSession() as client:
            app = _app({str(good.make_url("/")): {CHANGELOG: [1, 3]}, str(bad.make_url("/")): {CHANGELOG: [4]},
                        f"http://127.0.0.1:{_closed_port()}": {CHANGELOG: [5]},
                        "http://127.0.0.1:6066": {CHANGELOG: [0, 2]}})
            app.http_client = client
            return await every_worker(app, _table(), {"Authorization": "Bearer operator"})

    reports = asyncio.run(scenario())
    assert reports == [local_lanes(_app(), _table()), peer_report]
    assert seen == ["Bearer operator"]
