"""Errors raised while reading XÖV messages; each carries a stable code, the field concerned and a reason."""

from __future__ import annotations

from pydantic import ValidationError


class ConnectorError(Exception):
    """Root of every connector error: a message that cannot be accepted, with the reason why.

    `code` is stable and machine-readable (it ends up on the dead-letter record and in problem+json),
    `field` names the element path concerned, `message_id` is the nachrichtenUUID when it was readable.
    """

    code = "connector.error"
    http_status = 422

    def __init__(self, detail: str, *, field: str | None = None, message_id: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.message_id = message_id
        self.related: tuple[ConnectorError, ...] = ()

    @property
    def all_errors(self) -> tuple[ConnectorError, ...]:
        """This error and every further one found in the same message, in document order."""
        return (self, *self.related)

    def __str__(self) -> str:
        where = f" (Feld {self.field})" if self.field else ""
        return f"{self.code}: {self.detail}{where}"


class OversizedMessage(ConnectorError):
    """The body is larger than the configured limit; it was not parsed."""

    code = "message.too_large"
    http_status = 413


class EmptyMessage(ConnectorError):
    """The body is empty."""

    code = "message.empty"
    http_status = 400


class MalformedXml(ConnectorError):
    """The body is not well-formed XML."""

    code = "xml.malformed"
    http_status = 400


class NotUtf8(ConnectorError):
    """The body is not UTF-8 text, or declares another encoding; XÖV messages are UTF-8."""

    code = "xml.not_utf8"
    http_status = 400


class ForbiddenXmlConstruct(ConnectorError):
    """The body uses a DTD, an entity, a processing instruction, XInclude or another construct the hub never processes
    (XXE, entity bombs, stylesheets)."""

    code = "xml.forbidden_construct"
    http_status = 400


class UnknownStandard(ConnectorError):
    """The root element belongs to no XÖV standard the hub reads."""

    code = "standard.unknown"
    http_status = 415


class UnsupportedVersion(ConnectorError):
    """The standard is known but this version of it is not read."""

    code = "standard.unsupported_version"
    http_status = 415


class UnknownMessageType(ConnectorError):
    """The standard is known but the message type is not one the hub handles."""

    code = "message.unknown_type"
    http_status = 422


class MissingField(ConnectorError):
    """A part the hub needs for routing or status is absent."""

    code = "message.missing_field"
    http_status = 422


class InvalidField(ConnectorError):
    """A part is present but its value is not acceptable (wrong format, unknown code)."""

    code = "message.invalid_field"
    http_status = 422


class SchemaViolation(InvalidField):
    """A part that breaks the standard's schema: undeclared, out of order, missing, or a value its type refuses.

    One code for every standard, so senders see one code for "breaks the official schema"; `field` is the element
    path and `line` the line in the message as received (None when unknown).
    """

    code = "schema.invalid"

    def __init__(self, detail: str, *, field: str, line: int | None = None, message_id: str | None = None) -> None:
        super().__init__(detail, field=field, message_id=message_id)
        self.line = line

    @property
    def path(self) -> str:
        return self.field or "/"


class SchemaNotInstalled(ConnectorError):
    """The standard and version are recognised, but their official XSDs, which the hub may not distribute, are not
    installed; the message is parked until the operator installs them and replays it."""

    code = "schema.not_installed"
    http_status = 415


def invalid_model(exc: ValidationError, *, message_id: str | None = None) -> InvalidField:
    """The first error of a model built from a message, as InvalidField naming the model field; pydantic's message
    carries no input value, so nothing of the message is repeated."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    return InvalidField(f"{field or 'Nachricht'}: {first['msg']}", field=field, message_id=message_id)
