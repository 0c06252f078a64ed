"""Errors of routing and of its data files; each names what could not be resolved and why."""

from __future__ import annotations

from pathlib import Path


class RoutingError(Exception):
    """Root of routing errors. `code` is stable and lands on the dead-letter record."""

    code = "routing.error"
    http_status = 422

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class UnknownMunicipality(RoutingError):
    """The message concerns a municipality the directory does not know."""

    code = "routing.unknown_municipality"


class UnknownAuthority(RoutingError):
    """The message names an authority (e.g. its reader) that the directory does not know."""

    code = "routing.unknown_authority"


class NoRecipient(RoutingError):
    """A rule's role resolves to no authority for the municipality concerned."""

    code = "routing.no_recipient"


class ReaderMismatch(RoutingError):
    """The addressed reader is not the authority the message's own data points to."""

    code = "routing.reader_mismatch"


class OutsideServedStates(UnknownMunicipality):
    """The municipality concerned is a German municipality, but of a state the hub does not serve; the reason says
    which state. Same code as any unknown municipality, so filters on parked items keep working."""


class PlaceOutsideServedStates(UnknownMunicipality):
    """The place a message names (e.g. the entry's place of a certificate request) lies, under every reading of its
    name, outside the served states: no authority of the directory is responsible for it."""

    code = "routing.place_outside_served_states"


class PlaceOfOtherAuthority(ReaderMismatch):
    """The place a message names lies in the area of another authority of the role than the addressed reader (e.g.
    a birth registered by another Standesamt); the reason names both."""

    code = "routing.place_of_other_authority"


class PlaceWithoutAuthority(NoRecipient):
    """The place a message names is a municipality of the served states that no authority of the role serves, and
    the addressed reader is not responsible for it either."""

    code = "routing.place_without_authority"


class KindMismatch(RoutingError):
    """The message type is for another kind of recipient than the addressed reader's role (e.g. an abh message for
    the foreigners' office addressed to a chamber)."""

    code = "routing.kind_mismatch"


class UnknownKind(RoutingError):
    """The message names a recipient kind the routing data does not declare for its standard."""

    code = "routing.unknown_kind"


class ConfigError(RoutingError):
    """A directory or rules file is unreadable or inconsistent; names the file, the entry and the field."""

    code = "routing.config"

    def __init__(self, path: Path, entry: str, field: str, detail: str) -> None:
        super().__init__(f"{path}: {entry}: field '{field}': {detail}", field=field)
        self.path = path
        self.entry = entry


class CodelistError(RoutingError):
    """A code list file is missing, unreadable, or not the list and version the directory expects."""

    code = "routing.codelist"

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"code list {path} {detail}")
        self.path = path
