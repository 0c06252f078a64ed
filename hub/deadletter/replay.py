"""Replay parked items through the normal path, then remove them from the dead-letter topic.

A failed delivery (recipient and topic set) goes back onto the recipient's outbound stream; anything else goes
onto its standard's ingest topic, where the worker reads, validates and routes it again. Only after Kafka has
acknowledged the replayed record is the item tombstoned; if the worker parks it again, that is a new item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from hub.deadletter import DeadLetterError
from hub.deadletter.payload import read_stored
from hub.deadletter.store import ParkedItem, Producer, produce, tombstone
from topics.catalogue import INGEST_BY_STANDARD, Catalogue
from topics.envelope import ENVELOPE_HEADER, REPLAY_HEADER, to_header


class Outcome(StrEnum):
    REPLAYED = "replayed"
    SKIPPED = "skipped"  # cannot be replayed (e.g. unknown standard); stays parked
    FAILED = "failed"  # Kafka refused the replay or the tombstone; see the reason


@dataclass(frozen=True)
class Target:
    """Where and how an item is sent again."""

    topic: str
    key: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    delivery: bool = False  # True: the recipient's outbound stream; False: the standard's ingest topic


@dataclass(frozen=True)
class Skip:
    """Why an item cannot be replayed."""

    reason: str


@dataclass(frozen=True)
class ReplayResult:
    item_id: str
    outcome: Outcome
    topic: str | None = None
    reason: str | None = None


def plan(item: ParkedItem, catalogue: Catalogue, *, max_bytes: int) -> Target | Skip:
    """The record that replays `item`, or why there is none; pure, so the choice is testable without Kafka."""
    record = item.record
    envelope, failure = read_stored(item.payload, max_bytes)
    if record.recipient and record.topic:
        headers = []
        if envelope is not None:
            headers.append(to_header(ENVELOPE_HEADER, envelope.model_copy(update={"recipient": record.recipient})))
        # keyed by recipient, as every copy on the delivery stream is, so it stays in the recipient's order
        return Target(record.topic, record.recipient.encode(), headers, delivery=True)
    standard = envelope.standard if envelope else record.standard
    if standard is None:
        return Skip(f"the standard cannot be determined: the payload does not read ({failure}) and the record "
                    "names none")
    if standard not in INGEST_BY_STANDARD:
        return Skip(f"standard {standard!r} has no ingest topic")
    # keyed as the hub keys a fresh message, so the case's records stay on one partition and in order
    case_id = envelope.case_id if envelope else record.case_id
    return Target(catalogue.ingest(standard), case_id.encode() if case_id else None,
                  [(REPLAY_HEADER, str(record.attempts).encode())])


def replay(item: ParkedItem, producer: Producer, catalogue: Catalogue, *, max_bytes: int,
           timeout_s: float = 30.0) -> ReplayResult:
    """Send `item` again and tombstone it once acknowledged; a skipped or failed item stays parked."""
    target = plan(item, catalogue, max_bytes=max_bytes)
    if isinstance(target, Skip):
        return ReplayResult(item.id, Outcome.SKIPPED, reason=target.reason)
    try:
        produce(producer, target.topic, key=target.key, value=item.payload, headers=target.headers,
                timeout_s=timeout_s)
    except DeadLetterError as exc:
        return ReplayResult(item.id, Outcome.FAILED, target.topic, f"not replayed: {exc}")
    try:
        tombstone(producer, catalogue.deadletter, item.id, partition=item.partition, timeout_s=timeout_s)
    except DeadLetterError as exc:
        # the record is out again; the item stays listed and a second replay would send it twice
        return ReplayResult(item.id, Outcome.FAILED, target.topic, f"replayed, but the item could not be removed: "
                                                                    f"{exc}")
    return ReplayResult(item.id, Outcome.REPLAYED, target.topic)


def replay_all(items: Iterable[ParkedItem], producer: Producer, catalogue: Catalogue, *, max_bytes: int,
               timeout_s: float = 30.0,
               on_result: Callable[[ReplayResult], None] = lambda _r: None) -> list[ReplayResult]:
    """Replay each item in turn; one item's skip or failure does not stop the others."""
    results = []
    for item in items:
        result = replay(item, producer, catalogue, max_bytes=max_bytes, timeout_s=timeout_s)
        on_result(result)
        results.append(result)
    return results


def summary(results: Iterable[ReplayResult]) -> str:
    """ "N replayed, M skipped", plus ", K failed" when any failed."""
    counts = {outcome: 0 for outcome in Outcome}
    for result in results:
        counts[result.outcome] += 1
    line = f"{counts[Outcome.REPLAYED]} replayed, {counts[Outcome.SKIPPED]} skipped"
    return line + (f", {counts[Outcome.FAILED]} failed" if counts[Outcome.FAILED] else "")
