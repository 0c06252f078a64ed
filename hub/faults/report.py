"""What a fault run found, and its one table: the counts with their targets, then each fault with its time.

The wording says what a recipient system sees: an inbox recipient what its inbox lists, the webhook recipient the
POSTs it answered 2xx, a repeat it recognises by its Idempotency-Key told apart from a message it gets twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hub.bench.table import Row, render, verdict
from hub.faults.verdict import Verdict

EXAMPLES = 5  # ids named per kind of failure below the table


@dataclass(frozen=True)
class Event:
    """A fault as it happened: seconds after the load started, the UTC clock time, what, and how it ended."""

    at_s: float
    clock: str
    what: str
    detail: str


@dataclass
class FaultResult:
    """Everything one run found; `ok` is the exit code's verdict."""

    title: list[str]
    seed: int
    posted: int  # messages the load generator sent
    rate: float
    retries: int  # POSTs repeated after no answer or a 502/503/504
    not_accepted: Counter[str]  # final answers other than 202, by "status problem"
    channels: Mapping[str, str]  # planned recipient -> channel
    verdict: Verdict
    status_repeats: int  # delivered events on hub.status for a (message, recipient) already seen
    settled_s: float | None  # after the load and the faults, until everything was there; None: not in time
    drain_timeout_s: float
    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        """The verdict's failures, and messages the hub never took (a hub refusing everything loses nothing)."""
        refused = sum(self.not_accepted.values())
        return [*self.verdict.failures, *([f"{refused:,} messages never answered 202"] if refused else [])]

    @property
    def ok(self) -> bool:
        return not self.failures


def _zero(figure: str, count: int, detail: str = "") -> Row:
    return Row(figure, f"{count:,}" + (f" ({detail})" if detail else ""), "0", verdict(count == 0))


def _by_channel(missing: Sequence[tuple[str, str]], channels: Mapping[str, str]) -> str:
    counted = Counter(channels.get(recipient, "?") for _message, recipient in missing)
    return ", ".join(f"{counted.get(c, 0):,} {c}" for c in sorted(set(channels.values())))


def rows(result: FaultResult) -> list[Row]:
    v, channels = result.verdict, result.channels
    recipients = ", ".join(f"{r} ({c})" for r, c in channels.items())
    refused = sum(result.not_accepted.values())
    kinds = ", ".join(f"{n:,} × HTTP {what}" for what, n in result.not_accepted.most_common())
    settled = (f"{result.settled_s:,.1f} s after the load and the faults" if result.settled_s is not None
               else f"not within the drain timeout of {result.drain_timeout_s:,.0f} s")
    table = [
        Row("trade notifications posted (each a new message id and business)",
            f"{result.posted:,} at {result.rate:,.0f}/s; {result.retries:,} POSTs sent again after no answer or 503"),
        Row("accepted (answered 202)", f"{v.accepted:,}" + (f"; not accepted: {kinds}" if refused else ""),
            "all posted", verdict(refused == 0)),
        Row("expected deliveries (accepted × recipients planned by hub.pipeline.plan)",
            f"{v.expected:,} to {len(channels)} recipients: {recipients}"),
        _zero("lost: accepted messages missing at a recipient (a parked delivery counts)", len(v.lost),
              f"{len(v.missing):,} deliveries missing: {_by_channel(v.missing, channels)}; "
              f"{len(v.parked):,} parked as failed"),
        _zero("duplicate deliveries, inbox: a message id listed more than once in one inbox", len(v.inbox_twice)),
        _zero("duplicate deliveries, webhook: a message answered 2xx under two Idempotency-Keys (processed twice)",
              len(v.webhook_twice)),
        Row("webhook POSTs repeating an Idempotency-Key already answered 2xx (answered 2xx, not processed again)",
            f"{v.webhook_repeats:,}" + (f" ({v.webhook_repeated_messages:,} messages)" if v.webhook_repeats else "")),
        Row("webhook POSTs not answered 2xx (outage: 503 or dropped), retried by the hub", f"{v.webhook_refused:,}"),
        _zero("webhook POSTs whose signature did not verify (answered 401)", v.webhook_unsigned),
        _zero("deliveries of an accepted message to a recipient not planned for it", len(v.unplanned)),
        Row("messages at a recipient that were never answered 202 (their answer was lost)", f"{v.unaccepted:,}"),
        _zero("incomplete timelines: received, routed or a recipient's delivered missing", len(v.gaps)),
        _zero("repeated timeline steps: the same (message, step, recipient) twice in a case", len(v.repeats)),
        Row("delivered events repeated on hub.status (Kafka at least once; filed once in the timeline)",
            f"{result.status_repeats:,}"),
        Row("settled", settled),
    ]
    for n, event in enumerate(result.events, 1):
        table.append(Row(f"fault {n} at +{event.at_s:,.1f} s ({event.clock} UTC)", f"{event.what}: {event.detail}"))
    return table


def _examples(result: FaultResult) -> list[str]:
    v = result.verdict
    found = [("lost", [f"{m} at {r}" for m, r in v.missing]), ("listed twice", [f"{m} in {r}" for m, r in
                                                                                 v.inbox_twice]),
             ("processed twice", [f"{m} by {r}" for m, r in v.webhook_twice]),
             ("not planned", [f"{m} to {r}" for m, r in v.unplanned]),
             ("incomplete", [f"case {g.case_id} message {g.message_id} lacks {', '.join(g.missing)}"
                             for g in v.gaps]),
             ("repeated", [f"case {r.case_id}: {r.status} {r.recipient or ''} of {r.message_id} × {r.times}"
                           for r in v.repeats])]
    return [f"{kind}: " + "; ".join(items[:EXAMPLES]) + (f"; … {len(items) - EXAMPLES:,} more"
                                                          if len(items) > EXAMPLES else "")
            for kind, items in found if items]


def table(result: FaultResult) -> str:
    """The printed report: title, the table, the target line, examples of any failure and the notes."""
    target = ("target met: 0 lost, 0 duplicate deliveries to served recipients, 0 repeated timeline steps"
              if result.ok else "target NOT met: " + "; ".join(result.failures))
    return render(result.title, rows(result), [target, *_examples(result), *result.notes])
