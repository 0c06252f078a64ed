"""Pure selection and presentation of parked items: filters by reason, authority and id, the `list` table and
the `show` detail. The payload holds personal data, so it is shown only when asked for explicitly.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

from hub.deadletter import AmbiguousItem, ItemNotFound
from hub.deadletter.payload import read_stored
from hub.deadletter.store import ParkedItem
from topics.envelope import DeadLetter, Envelope

ID_WIDTH = 8  # characters of the id the table shows; `show` and `replay` take any unique prefix


def envelope_of(payload: bytes, *, max_bytes: int) -> Envelope | None:
    """The message's envelope when the payload reads as an XÖV message, None otherwise (the usual case here)."""
    return read_stored(payload, max_bytes)[0]


def matches_reason(record: DeadLetter, code: str) -> bool:
    """Exact reason code, or a prefix: "xml." (or "xml") matches "xml.malformed", never "xmlfoo"."""
    if record.reason_code == code:
        return True
    prefix = code if code.endswith(".") else code + "."
    return record.reason_code.startswith(prefix)


def matches_authority(item: ParkedItem, key: str, *, max_bytes: int) -> bool:
    """The failed delivery's recipient, or the message's author or reader when the payload reads."""
    if item.record.recipient == key:
        return True
    envelope = envelope_of(item.payload, max_bytes=max_bytes)
    return envelope is not None and key in (envelope.author, envelope.reader)


def by_reason(items: Iterable[ParkedItem], code: str) -> list[ParkedItem]:
    return [i for i in items if matches_reason(i.record, code)]


def by_authority(items: Iterable[ParkedItem], key: str, *, max_bytes: int) -> list[ParkedItem]:
    return [i for i in items if matches_authority(i, key, max_bytes=max_bytes)]


def by_id_prefix(items: Iterable[ParkedItem], prefix: str) -> list[ParkedItem]:
    return [i for i in items if i.id.startswith(prefix)]


def select(items: Iterable[ParkedItem], *, reason: str | None = None, authority: str | None = None,
           max_bytes: int) -> list[ParkedItem]:
    """The items matching every filter given; the cheap reason filter runs before the authority one."""
    chosen = list(items)
    if reason:
        chosen = by_reason(chosen, reason)
    if authority:
        chosen = by_authority(chosen, authority, max_bytes=max_bytes)
    return chosen


def resolve(items: Sequence[ParkedItem], prefix: str) -> ParkedItem:
    """The one item whose id is `prefix` or starts with it; ItemNotFound or AmbiguousItem otherwise."""
    if not prefix:
        raise ItemNotFound("give a dead-letter id or a prefix of one")
    exact = [i for i in items if i.id == prefix]
    found = exact or by_id_prefix(items, prefix)
    if not found:
        raise ItemNotFound(f"no parked item has an id starting with {prefix!r}; `hub dlq list` shows them")
    if len(found) > 1:
        ids = ", ".join(i.id for i in found[:5])
        raise AmbiguousItem(f"{len(found)} parked items start with {prefix!r} ({ids}); give more of the id")
    return found[0]


def origin_of(record: DeadLetter) -> str:
    """Where the record came from: "topic[partition]@offset" for a Kafka record, else the origin (e.g. "http")."""
    if record.topic is None:
        return record.origin
    if record.partition is None or record.offset is None:
        return record.topic
    return f"{record.topic}[{record.partition}]@{record.offset}"


def authority_of(item: ParkedItem, *, max_bytes: int) -> str | None:
    """The authority an operator asks about: the failed delivery's recipient, else the message's author."""
    if item.record.recipient:
        return item.record.recipient
    envelope = envelope_of(item.payload, max_bytes=max_bytes)
    return envelope.author if envelope else None


def format_table(items: Sequence[ParkedItem], *, max_bytes: int) -> str:
    """The `list` table: short id, parked at (UTC), reason, origin, authority and attempts, one item a line."""
    header = ("ID", "PARKED AT (UTC)", "REASON", "ORIGIN", "AUTHORITY", "ATTEMPTS")
    rows = [header] + [
        (i.id[:ID_WIDTH], i.record.parked_at.strftime("%Y-%m-%d %H:%M:%S"), i.record.reason_code,
         origin_of(i.record), authority_of(i, max_bytes=max_bytes) or "-", str(i.record.attempts))
        for i in items
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def format_detail(item: ParkedItem, *, payload: bool = False, max_bytes: int) -> str:
    """The `show` text: every DeadLetter field, where the item sits, what the payload reads as, and the payload
    itself only when `payload` is set (it holds personal data)."""
    fields = item.record.model_dump(mode="json")
    lines = [f"{name + ':':<14}{'-' if value is None else value}" for name, value in fields.items()]
    lines.append(f"{'stored at:':<14}dead-letter topic, partition {item.partition}, offset {item.offset}")
    envelope = envelope_of(item.payload, max_bytes=max_bytes)
    if envelope is not None:
        lines.append(f"{'message:':<14}{envelope.standard} {envelope.version} {envelope.message_type} "
                     f"from {envelope.author} to {envelope.reader}")
    else:
        lines.append(f"{'message:':<14}does not read as an XÖV message")
    if payload:
        lines += [f"{'payload:':<14}{len(item.payload)} bytes", "", item.payload.decode("utf-8", errors="replace")]
    else:
        lines.append(f"{'payload:':<14}{len(item.payload)} bytes (hidden: personal data; --payload shows it)")
    return "\n".join(lines)


def to_json(item: ParkedItem, *, payload: bool = False, max_bytes: int) -> dict[str, Any]:
    """The item as a JSON object: the DeadLetter fields, its position, authority and size; the payload only on
    request, as text when it is UTF-8 and as `payload_base64` otherwise."""
    data: dict[str, Any] = item.record.model_dump(mode="json")
    data.update(id=item.id, origin_label=origin_of(item.record), authority=authority_of(item, max_bytes=max_bytes),
                deadletter_partition=item.partition, deadletter_offset=item.offset, payload_bytes=len(item.payload))
    if payload:
        try:
            data["payload"] = item.payload.decode("utf-8")
        except UnicodeDecodeError:
            data["payload_base64"] = base64.b64encode(item.payload).decode("ascii")
    return data
