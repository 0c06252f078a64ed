"""The hub's processing steps as pure functions: read, plan deliveries, describe a rejection.

The HTTP API and the faust agents call these and only move bytes between Kafka and them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from connectors.behoerde import Addressee
from connectors.errors import ConnectorError
from connectors.reading import Reading, read_message
from hub.routing.directory import Authority, Directory
from hub.routing.errors import RoutingError
from hub.routing.route import Recipient, route
from hub.routing.rules import Rules
from hub.settings import get_settings
from topics.catalogue import Catalogue
from topics.envelope import DeadLetter, Envelope, case_id_for

UNKNOWN_STANDARD = "unbekannt"


@dataclass(frozen=True)
class Routing:
    """What routing needs besides the event: loaded once per process."""

    directory: Directory
    rules: Rules
    catalogue: Catalogue


@dataclass(frozen=True)
class Delivery:
    """One record for one recipient's outbound stream."""

    recipient: Recipient
    topic: str
    envelope: Envelope
    payload: bytes


@dataclass(frozen=True)
class Rejection:
    """Why a message was refused, with the case it was filed under and the HTTP status that says so."""

    case_id: str
    code: str
    reason: str
    field: str | None
    message_id: str | None
    http_status: int
    errors: tuple[tuple[str, str, str | None], ...] = ()

    def problems(self) -> list[dict[str, str | None]]:
        """Every error found, for problem+json and `hub validate`: code, detail and field."""
        return [{"code": code, "detail": detail, "field": field} for code, detail, field in self.errors]


def read(data: bytes, *, max_bytes: int, validated: bool = False) -> Reading:
    """Read one XÖV message with the connectors configured by the settings; raises ConnectorError with the reason.

    `validated`: the hub's own API accepted and validated this message before, so it is read without validating it
    again (the hardened parser and every extraction still run)."""
    config = get_settings().connector_config
    return read_message(data, max_bytes=max_bytes, config=replace(config, validate=False) if validated else config)


def plan(original: bytes, reading: Reading, routing: Routing) -> list[Delivery]:
    """Every recipient's record: the addressed reader gets `original` unchanged, the others a derived copy."""
    event = reading.envelope
    deliveries = []
    for recipient in route(event, routing.directory, routing.rules, routing.catalogue):
        if recipient.policy is None:
            payload = original
        else:
            payload = reading.derive(addressee(recipient.authority, recipient.kind), recipient.policy.keep)
        addressed = event.model_copy(update={"recipient": recipient.key})
        deliveries.append(Delivery(recipient, recipient.topic, addressed, payload))
    return deliveries


def addressee(authority: Authority, kind: str | None = None) -> Addressee:
    """How a derived copy addresses `authority`: its key with that key's code list, its name, the kind of copy."""
    return Addressee(key=authority.key, name=authority.name, codelist=authority.codelist,
                     codelist_version=authority.codelist_version, kind=kind)


def rejection(data: bytes, error: ConnectorError | RoutingError, *, event: Envelope | None = None) -> Rejection:
    """Describe a refused message; its case id is stable for the same message (or the same bytes)."""
    message_id = event.message_id if event else getattr(error, "message_id", None)
    standard = event.standard if event else UNKNOWN_STANDARD
    case_id = event.case_id if event else case_id_for(standard, message_id or hashlib.sha256(data).hexdigest())
    found = error.all_errors if isinstance(error, ConnectorError) else (error,)
    errors = tuple((e.code, e.detail, e.field) for e in found)
    return Rejection(case_id, error.code, error.detail, error.field, message_id, error.http_status, errors)


def dead_letter(rejected: Rejection, *, origin: str, topic: str | None = None, partition: int | None = None,
                offset: int | None = None) -> DeadLetter:
    """The dead-letter record for a rejection, with the record's origin when it came from Kafka."""
    return DeadLetter(
        reason_code=rejected.code,
        reason=rejected.reason,
        field=rejected.field,
        case_id=rejected.case_id,
        message_id=rejected.message_id,
        origin=origin,
        topic=topic,
        partition=partition,
        offset=offset,
    )
