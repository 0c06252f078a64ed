"""The references a citizen or a clerk holds, indexed to their cases: Aktenzeichen, referenzAntragsservice,
gemeindeMeldungNr, gewerbebetriebID, message ids, XMeld events, the portal's zuordnung and payment references.

The index is keyed by the normalised value (its own topic and table, partitioned by it), so any worker finds a
reference by asking the one worker that owns its partition. A hit remembers the authorities involved in the case,
so a search shows a token only the cases its authorities took part in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from topics.envelope import Envelope

# envelope attribute → the reference's name as people know it; a connector that sets none of them indexes nothing
REFERENCE_ATTRIBUTES: Mapping[str, str] = {
    "aktenzeichen": "Aktenzeichen",
    "vorgang": "Aktenzeichen",
    "referenz": "referenzAntragsservice",
    "gemeinde_meldung_nr": "gemeindeMeldungNr",
    "gewerbebetrieb_id": "gewerbebetriebID",
    "ereignis": "identifikation.ereignis",
    "zuordnung": "zuordnung",
    "buchungsreferenz": "buchungsreferenz",
}
MESSAGE_ID = "nachrichtenUUID"
# references that are unique only within one authority: the hit names it
AUTHORITY_OF: Mapping[str, str] = {"Aktenzeichen": "bauaufsicht"}


def normalise(value: str) -> str:
    """How a reference is compared: spacing and case do not matter (UUIDs are case-insensitive anyway)."""
    return " ".join(value.split()).casefold()


class Hit(BaseModel):
    """One case a reference belongs to: which reference it is, and within which authority."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    kind: str
    authority: str | None = None


class Reference(BaseModel):
    """A reference of one message, as the ingest stage indexes it."""

    model_config = ConfigDict(frozen=True)

    value: str
    hit: Hit

    @property
    def key(self) -> str:
        return normalise(self.value)


def references_of(event: Envelope) -> list[Reference]:
    """Every reference `event` carries, for its case."""
    found = [Reference(value=event.message_id, hit=Hit(case_id=event.case_id, kind=MESSAGE_ID))]
    for attribute, kind in REFERENCE_ATTRIBUTES.items():
        value = event.attributes.get(attribute)
        if not value or not value.strip():
            continue
        scope = event.attributes.get(AUTHORITY_OF[kind]) if kind in AUTHORITY_OF else event.author
        found.append(Reference(value=value, hit=Hit(case_id=event.case_id, kind=kind, authority=scope)))
    unique = {(r.key, r.hit.kind, r.hit.authority): r for r in found}
    return list(unique.values())


MAX_HITS = 50  # a reference shared by more cases than this finds nobody's case in particular: the newest are kept


def merge(hits: Sequence[Hit], new: Hit) -> list[Hit] | None:
    """The hits of one reference after another message indexed it (one per case, kind and authority, at most
    MAX_HITS, the newest kept); None when nothing changes."""
    if new in hits:
        return None
    return [*hits[-(MAX_HITS - 1):], new]
