"""Filing a message in its case when the message alone does not say which: per standard, a correlator looks the
message up in what earlier messages taught it (kept per ordering key, so the lookup is local and in order) and
learns from it once it is routed.

A correlator either returns the message filed in its case, or raises a RoutingError that parks it with the reason.
Re-processing a record asks the same questions of a memory that may already hold its own lessons; correlators
answer such a record as they did the first time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from pydantic import TypeAdapter

from connectors.civil_status.model import DELIVERY, STANDARD
from connectors.trade.versions import XGEWERBEANZEIGE, XGEWERBEORDNUNG
from hub.correlation import certificates
from hub.correlation.certificates import OpenRequest
from hub.ingest.state import Memory
from hub.routing.directory import Directory
from topics.envelope import Envelope


class Correlator(Protocol):
    def file(self, event: Envelope, memory: Memory) -> Envelope: ...

    def learn(self, event: Envelope, memory: Memory) -> None: ...


REQUESTS: TypeAdapter[list[OpenRequest]] = TypeAdapter(list[OpenRequest])


class CertificateCorrelator:
    """XPersonenstand: a delivery joins the case of the open request it answers (same applicant, register and
    zuordnung, asked of the delivering Standesamt by the portal it goes to); requests are remembered per applicant."""

    def _key(self, event: Envelope) -> str:
        return f"certificates|{certificates.correlation_key(event)}"

    def _requests(self, event: Envelope, memory: Memory) -> list[OpenRequest]:
        raw = memory.recall(self._key(event))
        return REQUESTS.validate_json(raw) if raw else []

    def file(self, event: Envelope, memory: Memory) -> Envelope:
        if DELIVERY not in event.kinds:
            return event
        match = certificates.correlate(event, self._requests(event, memory))
        return event.model_copy(update={"case_id": match.case_id})

    def learn(self, event: Envelope, memory: Memory) -> None:
        requests = self._requests(event, memory)
        if DELIVERY in event.kinds:
            updated = certificates.answered(requests, certificates.correlate(event, requests), event)
        elif any(r.message_id == event.message_id for r in requests):
            return  # processed again: the request is known already
        else:
            updated = [*requests, OpenRequest.of(event)]
        memory.keep(self._key(event), REQUESTS.dump_json(updated).decode())


def correlators(directory: Directory) -> Mapping[str, Correlator]:
    """The correlator of each standard that needs one."""
    from hub.correlation.building import BuildingCorrelator
    from hub.correlation.trade import TradeCorrelator

    trade = TradeCorrelator(directory)
    return {STANDARD: CertificateCorrelator(), "XBau": BuildingCorrelator(), XGEWERBEANZEIGE: trade,
            XGEWERBEORDNUNG: trade}
