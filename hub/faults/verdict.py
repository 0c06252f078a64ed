"""What the recipients and the case timelines show after a fault run, counted: lost, given twice, incomplete or
repeated. Pure: fed with what was collected, unit-tested without a broker.

A recipient's view is what counts. An inbox recipient sees the message ids its inbox lists; a webhook recipient
sees the POSTs it answered 2xx, and recognises a repeat by its Idempotency-Key (it answers it 2xx again without
processing it twice). So a message is lost for a recipient the hub planned when it is neither listed nor answered
2xx there, and given twice when one inbox lists it twice or the webhook recipient got it under two keys.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RECEIVED, ROUTED, DELIVERED, FAILED = "received", "routed", "delivered", "failed"


@dataclass(frozen=True)
class Sent:
    """A message the hub answered 202: its id, the case the answer named, the recipients its routing plans."""

    message_id: str
    case_id: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class WebhookCall:
    """One POST the webhook recipient received: for whom, the message and key it carried, what it answered."""

    recipient: str
    message_id: str
    idempotency_key: str
    status: int
    signed: bool = True  # the signature verified with the recipient's secret
    repeat: bool = False  # its key had been answered 2xx before: answered 2xx again, not processed again


@dataclass
class Observations:
    """Everything collected at the end of a run."""

    sent: list[Sent]
    channels: Mapping[str, str]  # recipient -> "inbox" or "webhook"
    inboxes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # inbox -> message ids as listed, in order
    webhook: Sequence[WebhookCall] = ()
    timelines: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)  # case id -> entries
    unreadable: Mapping[str, str] = field(default_factory=dict)  # case id -> why its timeline could not be read


Delivery = tuple[str, str]  # (message id, recipient)


@dataclass(frozen=True)
class Gap:
    """A case timeline lacking steps of one message."""

    case_id: str
    message_id: str
    missing: tuple[str, ...]  # "received", "routed", "delivered <recipient>", or why the case could not be read


@dataclass(frozen=True)
class Repeat:
    """A step filed more than once in a case: (message, step, recipient) and how often."""

    case_id: str
    message_id: str | None
    status: str
    recipient: str | None
    times: int


@dataclass(frozen=True)
class Verdict:
    """The counts of one run; `failures` names what misses the target."""

    accepted: int
    expected: int  # deliveries: accepted × the recipients planned for each
    missing: tuple[Delivery, ...]  # planned deliveries no recipient shows
    parked: tuple[Delivery, ...]  # of those: parked as failed delivery (a `failed` step in the case)
    inbox_twice: tuple[Delivery, ...]  # listed more than once in one inbox
    webhook_twice: tuple[Delivery, ...]  # answered 2xx under more than one Idempotency-Key
    webhook_repeats: int  # POSTs repeating a key already answered 2xx (absorbed by the key)
    webhook_repeated_messages: int  # messages with such a repeat
    webhook_refused: int  # POSTs answered non-2xx (the outage), retried by the hub
    webhook_unsigned: int  # POSTs whose signature did not verify (answered 401)
    unplanned: tuple[Delivery, ...]  # an accepted message given to a recipient its plan does not name
    unaccepted: int  # messages a recipient shows that never got a 202 (a POST whose answer was lost)
    gaps: tuple[Gap, ...]
    repeats: tuple[Repeat, ...]

    @property
    def lost(self) -> tuple[str, ...]:
        """Accepted messages missing at one recipient or more."""
        return tuple(dict.fromkeys(message for message, _recipient in self.missing))

    @property
    def failures(self) -> list[str]:
        """Every way the run misses its target (0 lost, 0 given twice, complete timelines, no repeated step)."""
        checks = [(len(self.lost), "lost"), (len(self.inbox_twice), "listed twice in an inbox"),
                  (len(self.webhook_twice), "processed twice by the webhook recipient"),
                  (len(self.unplanned), "given to a recipient not planned"),
                  (len(self.gaps), "incomplete timelines"), (len(self.repeats), "repeated timeline steps")]
        return [f"{count:,} {what}" for count, what in checks if count]

    @property
    def ok(self) -> bool:
        return not self.failures


def _twice(listed: Mapping[str, Sequence[str]]) -> list[Delivery]:
    return [(message, inbox) for inbox, ids in listed.items() for message, n in Counter(ids).items() if n > 1]


def _webhook(calls: Iterable[WebhookCall]) -> tuple[dict[Delivery, set[str]], int, set[Delivery], int, int]:
    """Per (message, recipient) the keys answered 2xx; the absorbed repeats (count and messages); the refused and
    the unsigned POSTs."""
    keys: dict[Delivery, set[str]] = defaultdict(set)
    repeats, repeated, refused, unsigned = 0, set(), 0, 0
    for call in calls:
        if not call.signed:
            unsigned += 1
        elif not 200 <= call.status < 300:
            refused += 1
        elif call.repeat:
            repeats += 1
            repeated.add((call.message_id, call.recipient))
        else:
            keys[(call.message_id, call.recipient)].add(call.idempotency_key)
    return keys, repeats, repeated, refused, unsigned


def step_of(entry: Mapping[str, Any]) -> tuple[str | None, str, str | None]:
    """What identifies a step in a case: (message, step, recipient)."""
    return entry.get("message_id"), str(entry.get("status")), entry.get("recipient")


def _gap(sent: Sent, entries: Sequence[Mapping[str, Any]]) -> Gap | None:
    steps = {step_of(e) for e in entries}
    wanted: list[tuple[str, str | None, str]] = [(RECEIVED, None, RECEIVED), (ROUTED, None, ROUTED)]
    wanted += [(DELIVERED, r, f"{DELIVERED} {r}") for r in sent.recipients]
    missing = tuple(label for status, recipient, label in wanted if (sent.message_id, status, recipient) not in steps)
    return Gap(sent.case_id, sent.message_id, missing) if missing else None


def _repeats(case_id: str, entries: Sequence[Mapping[str, Any]]) -> list[Repeat]:
    counted = Counter(step_of(e) for e in entries)
    return [Repeat(case_id, message, status, recipient, n)
            for (message, status, recipient), n in counted.items() if n > 1]


def judge(seen: Observations) -> Verdict:
    """Count what `seen` shows against what was accepted and planned."""
    planned = {(s.message_id, r) for s in seen.sent for r in s.recipients}
    accepted = {s.message_id for s in seen.sent}
    keys, repeats, repeated, refused, unsigned = _webhook(seen.webhook)
    given = {(m, inbox) for inbox, ids in seen.inboxes.items() for m in ids} | set(keys)
    missing = tuple((s.message_id, r) for s in seen.sent for r in s.recipients if (s.message_id, r) not in given)
    failed = {(e.get("message_id"), e.get("recipient")) for entries in seen.timelines.values() for e in entries
              if e.get("status") == FAILED}
    gaps: list[Gap] = []
    for sent in seen.sent:
        if sent.case_id in seen.unreadable:
            gaps.append(Gap(sent.case_id, sent.message_id, (seen.unreadable[sent.case_id],)))
            continue
        gap = _gap(sent, seen.timelines.get(sent.case_id, ()))
        if gap is not None:
            gaps.append(gap)
    return Verdict(
        accepted=len(seen.sent),
        expected=sum(len(s.recipients) for s in seen.sent),
        missing=missing,
        parked=tuple(d for d in missing if d in failed),
        inbox_twice=tuple(_twice(seen.inboxes)),
        webhook_twice=tuple(d for d, k in keys.items() if len(k) > 1),
        webhook_repeats=repeats,
        webhook_repeated_messages=len(repeated),
        webhook_refused=refused,
        webhook_unsigned=unsigned,
        unplanned=tuple(sorted(d for d in given if d[0] in accepted and d not in planned)),
        unaccepted=len({m for m, _r in given if m not in accepted}),
        gaps=tuple(gaps),
        repeats=tuple(r for case_id, entries in seen.timelines.items() for r in _repeats(case_id, entries)),
    )
