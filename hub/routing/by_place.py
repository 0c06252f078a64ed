"""A role resolved by a place NAME the message gives, e.g. the Standesamt that keeps a civil-status entry: the one
whose area holds the entry's place (the geburtsort for a birth).

The addressed reader is trusted as far as the message's own place does not contradict it:
- the name matches no municipality (see hub/routing/places.py): the reader, if it is the role's authority for the
  municipality concerned;
- some municipality the name can mean is served by the reader: the reader (the addressing settles an ambiguous name);
- otherwise the message is parked: another authority's area, no authority of the role for that municipality, or,
  when every reading lies outside the served states, no authority of the directory at all.
Reasons name the authorities and the field, never the place itself (it is personal data of the registered person).
"""

from __future__ import annotations

from hub.routing.directory import Authority, Directory
from hub.routing.errors import NoRecipient, PlaceOfOtherAuthority, PlaceOutsideServedStates, PlaceWithoutAuthority
from hub.routing.places import Place
from topics.envelope import Envelope

FIELD_SUFFIX = "_feld"  # attribute `<place attribute>_feld`, when present, names the element the place came from


def _listed(authorities: list[Authority]) -> str:
    return " oder ".join(f"{a.name} ({a.key})" for a in authorities)


def _states(places: list[Place]) -> str:
    return ", ".join(sorted({p.state_name for p in places}))


def responsible_for_place(role: str, place_from: str, event: Envelope, directory: Directory) -> Authority:
    """The authority of `role` for the place named in attribute `place_from`; a RoutingError says why there is none.

    The addressed reader must be in the directory (route checks that first).
    """
    name = event.attributes.get(place_from)
    if not name:
        raise NoRecipient(f"role '{role}' needs the place '{place_from}', which the message lacks", field=place_from)
    field = event.attributes.get(place_from + FIELD_SUFFIX, place_from)
    reader = directory.authority(event.reader)
    assert reader is not None  # route refuses an unknown reader before resolving roles
    readings = directory.places.matching(name)
    if not readings:
        fallback = directory.responsible(role, event.ags)
        if fallback is None:
            raise NoRecipient(f"role '{role}' has no authority for municipality {event.ags}", field="ags")
        return fallback
    served = [p for p in readings if p.served]
    offices = [directory.responsible(role, p.ags) for p in served]
    if any(o is not None and o.key == reader.key for o in offices):
        return reader
    if not served:
        served_states = ", ".join(sorted(directory.states.values()))
        raise PlaceOutsideServedStates(
            f"Der Ort in {field} liegt außerhalb der Länder, die der Hub bedient ({served_states}): jede Gemeinde "
            f"dieses Namens liegt in {_states(list(readings))}. Keine Behörde des Verzeichnisses ist dafür "
            f"zuständig, auch nicht {reader.name} ({reader.key}).", field=field)
    others = sorted({o.key: o for o in offices if o is not None}.values(), key=lambda a: a.key)
    ambiguous = "je nach Gemeinde dieses Namens " if len(readings) > 1 else ""
    elsewhere = " oder außerhalb der bedienten Länder" if len(served) < len(readings) else ""
    if others:
        raise PlaceOfOtherAuthority(
            f"Die Nachricht ist an {reader.name} ({reader.key}) gerichtet, der Ort in {field} liegt aber "
            f"{ambiguous}im Bezirk von {_listed(others)}{elsewhere}.", field=field)
    raise PlaceWithoutAuthority(
        f"Der Ort in {field} liegt {ambiguous}in einer Gemeinde in {_states(served)}{elsewhere}, für die das "
        f"Verzeichnis keine Behörde der Rolle '{role}' kennt; {reader.name} ({reader.key}) ist nicht zuständig.",
        field=field)
