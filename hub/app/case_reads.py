"""Reading cases for a caller: one place decides what a grant sees of a case, of its citizen view and of a search,
for the JSON API and the counter page alike.

A case lives with the worker owning the case id's partition, a reference with the one owning the reference's. The
reads here are local; `owner` says which worker to ask instead, and a search asks each case's owner whether the
caller may read it (`OwnerCheck`: the API asks with the bearer token, the counter page with its session cookie).
The operator page reads `timeline` and `hits` unfiltered: an operator sees the steps of every case, as `hub trace`
shows them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from yarl import URL

from hub.auth.tokens import Grant
from hub.cases.access import readable
from hub.cases.citizen import CitizenView, citizen_view
from hub.cases.labels import Labels
from hub.cases.references import Hit, normalise
from hub.routing.directory import Directory

MAX_REFERENCE = 200
Entry = Mapping[str, Any]
OwnerCheck = Callable[[URL, str], Awaitable[bool]]  # (owner's base URL, case id) → may the caller read the case


@dataclass(frozen=True)
class Refusal:
    """Why a read is refused: the HTTP status, the hub's reason code and a German detail."""

    status: int
    code: str
    detail: str
    case_id: str | None = None


STARTING = Refusal(503, "hub.starting", "der Hub startet oder verteilt seine Partitionen neu; bitte gleich noch einmal")


class CaseReads:
    """The case and reference tables of this worker, read on behalf of a grant."""

    def __init__(self, app: Any, cases: Any, references: Any, directory: Directory, wording: Labels) -> None:
        self.app, self.cases, self.references = app, cases, references
        self.directory, self.wording = directory, wording

    def owner(self, table: Any, key: str) -> URL | None:
        """The base URL of the worker owning `key` in `table`, None when it is this one; KeyError while unassigned."""
        url: URL = self.app.router.key_store(table.name, key.encode())
        canonical = self.app.conf.canonical_url
        return None if (url.host, url.port) == (canonical.host, canonical.port) else url

    def timeline(self, case_id: str) -> list[dict[str, Any]]:
        """Every entry of the case (owned here), unfiltered: for the operator page, which shows ids and codes of
        every case; [] for an unknown case."""
        raw = self.cases.data.get(case_id.encode())
        return json.loads(raw) if raw else []

    def hits(self, key: str) -> list[Hit]:
        """Every hit of a normalised reference (owned here), unfiltered."""
        raw = self.references.data.get(key.encode())
        return [Hit.model_validate(h) for h in json.loads(raw)] if raw else []

    def entries(self, grant: Grant, case_id: str) -> list[Entry] | Refusal:
        """The entries of the case (owned here) that the grant may read."""
        timeline = self.timeline(case_id)
        if not timeline:
            return Refusal(404, "case.not_found", f"der Vorgang {case_id} ist dem Hub nicht bekannt", case_id)
        entries = readable(timeline, grant.acts_for, all_cases=grant.all_cases, clerk=grant.clerk)
        if not entries:
            return Refusal(403, "auth.forbidden",
                           f"der Vorgang {case_id} betrifft keine Behörde, für die dieser Zugang handelt")
        return entries

    def citizen(self, case_id: str, entries: Sequence[Entry]) -> CitizenView | Refusal:
        """The citizen's view of the readable `entries` of a case."""
        view = citizen_view(case_id, entries, self.directory, self.wording)
        if view is None:
            return Refusal(404, "case.no_status",
                           f"der Vorgang {case_id} hat noch keinen Schritt, den Bürgerinnen und Bürger sehen")
        return view

    async def may_read(self, grant: Grant, case_id: str, ask: OwnerCheck) -> bool:
        """Whether the grant may read anything of the case: decided by the case's owner."""
        try:
            owner = self.owner(self.cases, case_id)
        except KeyError:
            return False
        if owner is not None:
            return await ask(owner, case_id)
        return isinstance(self.entries(grant, case_id), list)

    async def search(self, grant: Grant, key: str, ask: OwnerCheck) -> dict[str, list[Hit]] | Refusal:
        """The readable cases of a normalised reference (owned here), each with the hits that found it."""
        hits = self.hits(key)
        found: dict[str, list[Hit]] = {}
        for case_id in dict.fromkeys(h.case_id for h in hits):
            if await self.may_read(grant, case_id, ask):
                found[case_id] = [h for h in hits if h.case_id == case_id]
        if not found:
            return Refusal(404, "search.not_found",
                           "zu diesem Suchbegriff ist kein Vorgang bekannt, den dieser Zugang sehen darf")
        return found


def reference_key(value: str) -> str | Refusal:
    """The normalised search key of a reference as typed, or why it cannot be searched for."""
    if not value.strip() or len(value) > MAX_REFERENCE:
        return Refusal(400, "search.no_reference",
                       f"Suchbegriff fehlt oder ist länger als {MAX_REFERENCE} Zeichen: ?ref=<Aktenzeichen, "
                       "Referenz, Nachrichten-ID, …>")
    return normalise(value)
