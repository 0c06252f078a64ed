"""Which request a Standesamt's certificate delivery answers: pure matching of a delivery against open requests.

XPersonenstand has no `bezug`. A delivery (08x033) echoes the request's `zuordnung` when the request had one, and
its `antragsteller` must be the request's; the connector carries both as envelope attributes (the applicant only as
a digest). A delivery joins the case of the oldest open request of the same register, applicant and zuordnung that
was sent to the delivering Standesamt by the portal the delivery is addressed to.

Correlation grants no access: a delivery that matches a request in everything but the Standesamt asked is parked,
as is one addressed to another portal than the one that asked; nothing is delivered because it resembles a request.
The caller keeps the requests (e.g. in a table keyed by `correlation_key`, so every request of one applicant is at
hand and a delivery from the wrong Standesamt is recognised as such) and records each answer with `answered`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from connectors.civil_status.model import DELIVERY, REQUEST, STANDARD, Attribute, Register
from hub.correlation.errors import CorrelationError
from topics.envelope import Envelope

AUTHOR_FIELD = "nachrichtenkopf.g2g/autor/kennung"
READER_FIELD = "nachrichtenkopf.g2g/leser/kennung"


class NotCertificateMessage(CorrelationError):
    """The event is no XPersonenstand request or delivery, or lacks the attributes its connector always sets."""

    code = "correlation.not_certificate_message"


class NoOpenRequest(CorrelationError):
    """No open request has the delivery's register, applicant and zuordnung."""

    code = "correlation.no_open_request"


class OtherStandesamt(CorrelationError):
    """The matching request was sent to another Standesamt than the one delivering."""

    code = "correlation.other_standesamt"


class OtherPortal(CorrelationError):
    """The matching request came from another portal than the one the delivery is addressed to."""

    code = "correlation.other_portal"


class OpenRequest(BaseModel):
    """A routed certificate request as correlation remembers it: keys and digests, no names.

    `answered_by` is the message id of the delivery that answered it (None while it is open); a replay of that same
    delivery joins it again.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: str
    message_id: str
    standesamt: str = Field(description="DVDV key of the Standesamt asked: the request's reader.")
    portal: str = Field(description="DVDV key of the portal that asked: the request's author.")
    registerart: Register
    antragsteller: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the normalised applicant.")
    zuordnung: str | None = None
    requested_at: datetime
    answered_by: str | None = None

    @classmethod
    def of(cls, request: Envelope) -> OpenRequest:
        """The open request a routed request envelope stands for; NotCertificateMessage for any other event."""
        facts = _facts(request, REQUEST)
        return cls(case_id=request.case_id, message_id=request.message_id, standesamt=request.reader,
                   portal=request.author, registerart=facts[Attribute.REGISTER],
                   antragsteller=facts[Attribute.ANTRAGSTELLER], zuordnung=request.attributes.get(Attribute.ZUORDNUNG),
                   requested_at=request.occurred_at)


class Match(BaseModel):
    """The case a delivery joins, and the request it answers (whose portal is the delivery's recipient)."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    request: OpenRequest


def _facts(event: Envelope, kind: str) -> dict[str, str]:
    if event.standard != STANDARD or kind not in event.kinds:
        raise NotCertificateMessage(f"{event.standard} {event.message_type} is no XPersonenstand {kind}",
                                    field="kinds")
    missing = [a for a in (Attribute.REGISTER, Attribute.ANTRAGSTELLER) if a not in event.attributes]
    if missing:
        raise NotCertificateMessage(f"the {kind} lacks the attributes {', '.join(missing)}", field=missing[0])
    return event.attributes


def correlation_key(event: Envelope) -> str:
    """What requests and deliveries are kept under: the applicant's digest, which every delivery repeats."""
    kind = REQUEST if REQUEST in event.kinds else DELIVERY
    return _facts(event, kind)[Attribute.ANTRAGSTELLER]


def correlate(delivery: Envelope, requests: Iterable[OpenRequest]) -> Match:
    """The case `delivery` joins among `requests` (any superset of the applicant's requests); a CorrelationError
    says why it joins none."""
    facts = _facts(delivery, DELIVERY)
    zuordnung = delivery.attributes.get(Attribute.ZUORDNUNG)
    candidates = [r for r in requests
                  if r.answered_by in (None, delivery.message_id) and r.registerart == facts[Attribute.REGISTER]
                  and r.antragsteller == facts[Attribute.ANTRAGSTELLER] and r.zuordnung == zuordnung]
    replayed = [r for r in candidates if r.answered_by == delivery.message_id]
    if replayed:
        return Match(case_id=replayed[0].case_id, request=replayed[0])
    if not candidates:
        echoed = f"der Zuordnung {zuordnung}" if zuordnung else "ohne Zuordnung"
        raise NoOpenRequest(f"Die Lieferung von {delivery.author} passt zu keiner offenen Anforderung: keine "
                            f"Anforderung aus dem Register {facts[Attribute.REGISTER]} {echoed} für denselben "
                            "Antragsteller ist offen.", field="zuordnung")
    asked_here = [r for r in candidates if r.standesamt == delivery.author]
    if not asked_here:
        asked = ", ".join(sorted({r.standesamt for r in candidates}))
        raise OtherStandesamt(f"Die Lieferung kommt von {delivery.author}, die passende Anforderung ging aber an "
                              f"{asked}; die Lieferung eines nicht angefragten Standesamts wird nicht zugestellt.",
                              field=AUTHOR_FIELD)
    for_portal = [r for r in asked_here if r.portal == delivery.reader]
    if not for_portal:
        portals = ", ".join(sorted({r.portal for r in asked_here}))
        raise OtherPortal(f"Die Lieferung ist an {delivery.reader} gerichtet, angefordert hat sie aber {portals}.",
                          field=READER_FIELD)
    answered = min(for_portal, key=lambda r: (r.requested_at, r.message_id))
    return Match(case_id=answered.case_id, request=answered)


def answered(requests: Iterable[OpenRequest], match: Match, delivery: Envelope) -> list[OpenRequest]:
    """`requests` with the matched one marked as answered by `delivery`, so it is open no more."""
    return [r.model_copy(update={"answered_by": delivery.message_id}) if r.message_id == match.request.message_id
            else r for r in requests]
