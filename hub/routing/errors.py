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
