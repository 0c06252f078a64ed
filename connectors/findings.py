"""Independent errors of one message, collected so a sender learns all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from connectors.errors import ConnectorError, MissingField

T = TypeVar("T")


class Findings:
    """Errors in document order; one already implied by an earlier one (the same field, or a field below a missing
    element) is dropped, so two checks never report one gap twice."""

    def __init__(self) -> None:
        self.found: list[ConnectorError] = []

    def add(self, error: ConnectorError) -> None:
        for earlier in self.found:
            if earlier.field and error.field and (
                (type(earlier) is type(error) and earlier.field == error.field)
                or (isinstance(earlier, MissingField) and error.field.startswith(f"{earlier.field}/"))
            ):
                return
        self.found.append(error)

    def attempt(self, check: Callable[[], T]) -> T | None:
        """The result of `check`, or None after recording the ConnectorError it raised."""
        try:
            return check()
        except ConnectorError as error:
            self.add(error)
            return None

    def raise_if_any(self, message_id: str | None) -> None:
        """Raise the first error, with every further one in its `related`, each naming the message."""
        if not self.found:
            return
        for error in self.found:
            error.message_id = error.message_id or message_id
        first = self.found[0]
        first.related = tuple(self.found[1:])
        raise first
