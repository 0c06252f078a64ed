"""Errors particular to XMeld: a part that breaks what the XMeld XSDs define, and schemas that cannot be loaded."""

from __future__ import annotations

from connectors.errors import InvalidField


class SchemaViolation(InvalidField):
    """An element or value XMeld does not allow there: out of order, undefined, or not in its code list.

    Same code as the XBau connector's schema errors, so senders see one code for "breaks the official XSD";
    `line` is the line in the message as received (None when unknown).
    """

    code = "schema.invalid"

    def __init__(self, detail: str, *, field: str, line: int | None = None, message_id: str | None = None) -> None:
        super().__init__(detail, field=field, message_id=message_id)
        self.line = line


class SchemaUnavailable(RuntimeError):
    """The XSDs a version table entry names are missing or inconsistent with it: a deployment fault, not a bad message.

    Deliberately not a ConnectorError: the message is not to blame and must not be dead-lettered as invalid.
    """
