"""Municipalities by name: which municipalities of Germany a place name, as a citizen writes it, can mean.

The Destatis AGS list names every German municipality, so a name is matched against all of them (those of the
served states and the others), which tells "a municipality elsewhere" apart from "no municipality at all".

How a name matches (after Unicode NFC, case folding and collapsing whitespace on both sides):
- the list's full name ("Bensheim, Stadt"),
- the name before its designation, i.e. before the first ", " ("Bensheim" for "Bensheim, Stadt", "Lorsch" for
  "Lorsch, Karolingerstadt", "Neustadt" for "Neustadt, OT 105"),
- for a municipality of the served states only, that name without a trailing qualifier in brackets ("Heppenheim"
  for "Heppenheim (Bergstraße), Kreisstadt"). Elsewhere the short form is no reading: "Frankfurt" must not mean
  "Frankfurt (Oder)" and send a request for Frankfurt am Main out of the served states.
Nothing else: no spelling variants, no abbreviations ("St.", "a.d."), no Ortsteile ("Bensheim-Auerbach") and no
places abroad; such a name matches nothing. A name may match several municipalities ("Neustadt" matches a dozen);
callers must treat every match as a possible reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from topics.keys import AGS_PATTERN, ascii_digits

_QUALIFIER = re.compile(r"\s*\([^()]*\)$")


class Place(BaseModel):
    """A municipality as the place index knows it: AGS, official name, state, and whether the hub serves that state."""

    model_config = ConfigDict(frozen=True)

    ags: str = Field(pattern=AGS_PATTERN)
    name: str
    state: str
    state_name: str
    served: bool


def normalise(name: str) -> str:
    """NFC, case-folded, with runs of whitespace as one space and none at either end."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def name_keys(official: str, *, served: bool = True) -> set[str]:
    """Every normalised form of an official Destatis name that a given place name may equal (see above)."""
    base = official.split(", ", 1)[0]
    keys = {normalise(official), normalise(base)}
    if served:
        keys.add(normalise(_QUALIFIER.sub("", base)))
    return keys - {""}


class PlaceIndex:
    """Every municipality of the AGS list, by the name keys above."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.by_ags: Mapping[str, Place] = {p.ags: p for p in places}
        index: dict[str, list[Place]] = {}
        for place in self.by_ags.values():
            for key in name_keys(place.name, served=place.served):
                index.setdefault(key, []).append(place)
        self._by_name = {key: tuple(sorted(found, key=lambda p: p.ags)) for key, found in index.items()}

    def matching(self, name: str) -> tuple[Place, ...]:
        """Every municipality `name` can mean, by AGS; empty when it names none."""
        return self._by_name.get(normalise(name), ())

    @classmethod
    def of(cls, names: Mapping[str, str], state_names: Mapping[str, str], served: Iterable[str]) -> PlaceIndex:
        """The index of the AGS list `names` (AGS → official name); `served` are the served states' keys."""
        served_states = set(served)
        return cls(Place(ags=ags, name=name, state=ags[:2], state_name=state_names.get(ags[:2], ags[:2]),
                         served=ags[:2] in served_states)
                   for ags, name in names.items() if len(ags) == 8 and ascii_digits(ags))
