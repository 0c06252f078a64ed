"""Errors particular to XBau: a message that breaks the official XSDs, reported with line and element path."""

from __future__ import annotations

from connectors.errors import ConnectorError


class SchemaViolation(ConnectorError):
    """One XSD error of a message; every further XSD error of the same message is in `related`.

    `line` and `path` locate the error in the message as received, so a sender can find it without the hub's help.
    """

    code = "schema.invalid"
    http_status = 422

    def __init__(self, detail: str, *, line: int, path: str, message_id: str | None = None) -> None:
        super().__init__(detail, field=path, message_id=message_id)
        self.line = line
        self.path = path
