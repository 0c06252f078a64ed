"""Trade notifications: one case per business and trade office, joined across offices only by a real move.

A gewerbebetriebID is chosen by the sender, so it joins a notification to the case of another office's notice only
when the two describe the business's move (`business_move.is_move`); otherwise the notification keeps the case of
its own office (the connector's, per business and office) and the reason is logged for operators. Processing a
notification again files it where it was filed.
"""

from __future__ import annotations

import logging

from connectors.trade.connector import GEWERBEBETRIEB_ID
from hub.correlation.business_move import is_move, reason_not_a_move
from hub.ingest.state import Memory, notices
from hub.routing.directory import Directory
from topics.envelope import Envelope

log = logging.getLogger(__name__)


class TradeCorrelator:
    """Files a notification in its business's case at its office, or in the case of the move it continues."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def file(self, event: Envelope, memory: Memory) -> Envelope:
        betrieb = event.attributes.get(GEWERBEBETRIEB_ID)
        if not betrieb:
            return event
        known = notices(memory, betrieb)
        mine = next((n for n in known if n.message_id == event.message_id), None) \
            or next((n for n in known if n.office == event.author), None) \
            or next((n for n in known if is_move(n.envelope, event, self.directory)), None)
        if mine is not None:
            return event.model_copy(update={"case_id": mine.envelope.case_id})
        if known:
            why = "; ".join(sorted({reason_not_a_move(n.envelope, event, self.directory) or "" for n in known}))
            log.warning("case %s: notification %s of %s keeps a case of its own: %s", event.case_id,
                        event.message_id, event.author, why)
        return event  # the connector's case: this business at this office

    def learn(self, event: Envelope, memory: Memory) -> None:
        """Nothing beyond the business's notices, which the Rückmeldeverfahren keeps."""
