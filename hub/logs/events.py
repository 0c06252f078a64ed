"""The log lines the pipeline writes: one function per event, keyword fields only, each checked against its shape.

No function takes free text. Identifiers, codes and counts are all a line can carry; a value that does not have its
field's shape (a space, a name, an XML fragment) is replaced by REJECTED, so message content, personal data and
tokens cannot reach a log line through these calls.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

log = logging.getLogger("hub.events")

REJECTED = "<rejected>"
FIELDS = ("case_id", "message_id", "standard", "stage", "recipient", "channel", "attempt", "outcome", "reason",
          "recipients")

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}")  # ids: UUIDs, DVDV keys, composite ids
_SHAPES: dict[str, re.Pattern[str]] = {
    "case_id": _TOKEN,
    "message_id": _TOKEN,
    "standard": re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,31}"),
    "stage": re.compile(r"[a-z][a-z0-9_.-]{0,31}"),
    "recipient": re.compile(r"[A-Za-z]+:[0-9A-Za-z]+|portal"),
    "channel": re.compile(r"webhook|inbox|folder|portal|kafka"),
    "outcome": re.compile(r"delivered|failed|parked|routed"),
    "reason": re.compile(r"[a-z][a-z0-9_.-]{0,63}"),  # a reason code such as xml.malformed or http.503
}
Channel = Literal["webhook", "inbox", "folder", "portal", "kafka"]


def fields(**values: str | int | None) -> dict[str, str | int]:
    """The values that are set, each checked against its field's shape; counts must be non-negative integers."""
    checked: dict[str, str | int] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name not in FIELDS:
            raise TypeError(f"{name} is not a log field")
        shape = _SHAPES.get(name)
        if shape is None:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        else:
            ok = isinstance(value, str) and shape.fullmatch(value) is not None
        checked[name] = value if ok else REJECTED
    return checked


def _emit(level: int, event: str, **values: str | int | None) -> None:
    log.log(level, event, extra=fields(**values))


def routed(*, case_id: str, message_id: str, standard: str, recipients: int) -> None:
    """A message was validated and routed to `recipients` recipients."""
    _emit(logging.INFO, "message.routed", case_id=case_id, message_id=message_id, standard=standard, stage="routed",
          outcome="routed", recipients=recipients)


def delivery_attempt(*, case_id: str, message_id: str, standard: str | None, recipient: str, channel: Channel,
                     attempt: int, delivered: bool, reason: str | None = None) -> None:
    """One attempt to deliver to a recipient system; `reason` is the failure's code (e.g. http.503, timeout)."""
    _emit(logging.INFO if delivered else logging.WARNING, "delivery.attempt", case_id=case_id, message_id=message_id,
          standard=standard, stage="delivery", recipient=recipient, channel=channel, attempt=attempt,
          outcome="delivered" if delivered else "failed", reason=None if delivered else reason)


def portal_push_failed(*, case_id: str, attempt: int, reason: str) -> None:
    """A status event could not be pushed to the portal's webhook; it is retried."""
    _emit(logging.WARNING, "portal.push_failed", case_id=case_id, stage="portal", recipient="portal",
          channel="portal", attempt=attempt, outcome="failed", reason=reason)


def parked(*, reason: str, stage: str, case_id: str | None = None, message_id: str | None = None,
           standard: str | None = None, recipient: str | None = None, attempt: int | None = None) -> None:
    """A record was parked on the dead-letter topic; `stage` is where (http, worker, delivery, …)."""
    _emit(logging.WARNING, "record.parked", case_id=case_id, message_id=message_id, standard=standard,
          stage=stage, recipient=recipient, attempt=attempt, outcome="parked", reason=reason)
