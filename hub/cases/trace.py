"""The path of a case or of one message through the hub, from the hub's own records: every step in order with its
time, stage, the record it came from, recipient, channel, attempt and outcome; parked records beside them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from hub.cases.references import normalise
from topics.envelope import DeadLetter, StatusEvent

COLUMNS = ("ZEIT (UTC)", "SCHRITT", "NACHRICHT", "DATENSATZ", "EMPFÄNGER", "KANAL", "VERSUCH", "ERGEBNIS")


class TraceLine(BaseModel):
    """One step of the trace."""

    model_config = ConfigDict(frozen=True)

    at: str
    stage: str
    message_id: str | None = None
    message_type: str | None = None
    record: str | None = None
    recipient: str | None = None
    channel: str | None = None
    attempt: int | None = None
    outcome: str | None = None


def trace(events: Iterable[StatusEvent], parked: Iterable[DeadLetter], *, case_id: str,
          message_id: str | None = None) -> list[TraceLine]:
    """The steps of `case_id` (only those of `message_id` when given) and its parked records, oldest first."""
    lines = [TraceLine(at=e.at.isoformat(), stage=e.status.value, message_id=e.message_id,
                       message_type=e.message_type, record=e.origin, recipient=e.recipient, channel=e.channel,
                       attempt=e.attempt, outcome=e.reason)
             for e in events if e.case_id == case_id and (message_id is None or e.message_id == message_id)]
    for record in parked:
        if record.case_id != case_id or (message_id is not None and record.message_id != message_id):
            continue
        where = f"{record.topic}[{record.partition}]@{record.offset}" if record.topic else record.origin
        lines.append(TraceLine(at=record.parked_at.isoformat(), stage="parked", message_id=record.message_id,
                               record=where, recipient=record.recipient, attempt=record.attempts,
                               outcome=f"{record.reason_code}: {record.reason}"))
    return sorted(lines, key=lambda line: line.at)


def timeline_trace(case_id: str, entries: Iterable[Mapping[str, Any]],
                   message_id: str | None = None) -> list[TraceLine]:
    """The steps of a case from its timeline (the `cases` table files each status event once), only those of
    `message_id` when given (compared as references are: spacing and case do not matter)."""
    events = [StatusEvent.model_validate({**{k: v for k, v in e.items() if k in StatusEvent.model_fields},
                                          "case_id": case_id}) for e in entries]
    if message_id is not None:
        wanted = normalise(message_id)
        message_id = next((e.message_id for e in events if e.message_id and normalise(e.message_id) == wanted),
                          message_id)
    return trace(events, (), case_id=case_id, message_id=message_id)


def as_table(lines: Sequence[TraceLine]) -> str:
    """The trace for people: one line per step, columns aligned."""
    rows = [COLUMNS] + [
        (line.at[:23].replace("T", " "), line.stage,
         f"{line.message_type or ''} {(line.message_id or '')[:8]}".strip() or "-", line.record or "-",
         line.recipient or "-", line.channel or "-", str(line.attempt) if line.attempt else "-", line.outcome or "")
        for line in lines
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(len(COLUMNS) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip() + "  " + row[-1]
                     for row in rows).rstrip()


def as_json(lines: Sequence[TraceLine]) -> list[dict[str, Any]]:
    return [line.model_dump(mode="json", exclude_none=True) for line in lines]
