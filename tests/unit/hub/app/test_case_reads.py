"""Case reads for a grant, on a worker's tables: what a search shows and which cases it asks other workers about."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from yarl import URL

from hub.app.case_reads import CaseReads, Refusal, reference_key
from hub.auth.tokens import Grant, digest
from hub.cases.labels import labels

HERE, THERE = URL("http://127.0.0.1:6066"), URL("http://127.0.0.1:6067")
BENSHEIM = Grant(system="Bürgerbüro Bensheim", sha256=digest("b"), authorities=("gba:06431002",), clerk=True)


@dataclass
class Table:
    name: str
    data: dict[bytes, bytes] = field(default_factory=dict)


@dataclass
class FakeApp:
    """A worker that owns the case ids in `mine` and every reference."""

    mine: set[str]

    @property
    def conf(self) -> Any:
        return type("Conf", (), {"canonical_url": HERE})()

    @property
    def router(self) -> Any:
        owns = self.mine

        class Router:
            def key_store(self, table: str, key: bytes) -> URL:
                return HERE if table == "references" or key.decode() in owns else THERE

        return Router()


def _reads(cases: dict[str, list[dict[str, Any]]], hits: list[dict[str, Any]], mine: set[str]) -> CaseReads:
    case_table = Table("cases", {k.encode(): json.dumps(v).encode() for k, v in cases.items()})
    references = Table("references", {b"63/bv/2026/01234": json.dumps(hits).encode()})
    no_directory: Any = None  # a search reads no authority names
    return CaseReads(FakeApp(mine), case_table, references, no_directory, labels())


def _timeline(author: str, recipient: str) -> list[dict[str, Any]]:
    return [{"status": "received", "message_id": "m", "author": author, "facts": {}},
            {"status": "delivered", "message_id": "m", "recipient": recipient}]


def test_a_search_shows_the_cases_the_grant_may_read_asking_the_owner_of_each_other_case() -> None:
    cases = {"ours": _timeline("bab:06431000", "gba:06431002"), "theirs": _timeline("bab:06431000", "gba:06431020")}
    hits = [{"case_id": c, "kind": "Aktenzeichen", "authority": "bab:06431000"} for c in ("theirs", "ours", "far")]
    asked: list[tuple[URL, str]] = []

    async def ask(owner: URL, case_id: str) -> bool:
        asked.append((owner, case_id))
        return True

    found = asyncio.run(_reads(cases, hits, {"ours", "theirs"}).search(BENSHEIM, "63/bv/2026/01234", ask))
    assert not isinstance(found, Refusal)
    assert list(found) == ["ours", "far"] and found["ours"][0].kind == "Aktenzeichen"
    assert asked == [(THERE, "far")]  # only the case owned elsewhere is asked about


def test_nothing_readable_is_a_404_and_an_unknown_or_foreign_case_is_refused() -> None:
    reads = _reads({"theirs": _timeline("bab:06431000", "gba:06431020")},
                   [{"case_id": "theirs", "kind": "Aktenzeichen"}], {"theirs"})

    async def never(owner: URL, case_id: str) -> bool:
        raise AssertionError("no case is owned elsewhere")

    missing = asyncio.run(reads.search(BENSHEIM, "63/bv/2026/01234", never))
    assert isinstance(missing, Refusal) and (missing.status, missing.code) == (404, "search.not_found")
    assert asyncio.run(reads.search(BENSHEIM, "unbekannt", never)) == missing
    foreign, unknown = reads.entries(BENSHEIM, "theirs"), reads.entries(BENSHEIM, "none")
    assert isinstance(foreign, Refusal) and foreign.status == 403
    assert isinstance(unknown, Refusal) and (unknown.status, unknown.case_id) == (404, "none")


def test_a_reference_is_searched_for_normalised_and_must_be_given_and_short() -> None:
    assert reference_key("  63/BV/2026/01234 ") == "63/bv/2026/01234"
    for bad in ("", "   ", "x" * 201):
        refused = reference_key(bad)
        assert isinstance(refused, Refusal) and refused.status == 400
