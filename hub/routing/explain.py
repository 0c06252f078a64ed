"""Why a message goes where it goes: every recipient with the rule that chose it, or why it would be parked."""

from __future__ import annotations

from typing import Any

from connectors.errors import ConnectorError
from hub import pipeline
from hub.pipeline import Routing
from hub.routing.errors import RoutingError
from hub.routing.route import ADDRESSED_READER, route


def explain(data: bytes, routing: Routing, *, max_bytes: int) -> dict[str, Any]:
    """A JSON-ready account of routing `data`: message facts and recipients, or the parking reason."""
    try:
        reading = pipeline.read(data, max_bytes=max_bytes)
    except ConnectorError as error:
        return {"parked": _parked(pipeline.rejection(data, error))}
    event = reading.envelope
    town = routing.directory.region_name(event.ags)
    facts: dict[str, Any] = {
        "standard": event.standard,
        "version": event.version,
        "message_type": event.message_type,
        "kinds": list(event.kinds),
        "ags": event.ags,
        "municipality": town,
        "author": event.author,
        "reader": event.reader,
        "case_id": event.case_id,
    }
    try:
        recipients = route(event, routing.directory, routing.rules, routing.catalogue)
    except RoutingError as error:
        return {"message": facts, "parked": _parked(pipeline.rejection(data, error, event=event))}
    return {
        "message": facts,
        "recipients": [
            {
                "authority": r.key,
                "name": r.authority.name,
                "role": r.role,
                "rule": r.rule,
                "also": list(r.also),
                "copy": "wie gesendet" if r.as_sent else f"Kopie nach Richtlinie {r.role}",
                "kind": r.kind,
                "topic": r.topic,
                "channel": r.authority.delivery.channel,
            }
            for r in recipients
        ],
    }


def _parked(rejected: pipeline.Rejection) -> dict[str, Any]:
    return {"code": rejected.code, "reason": rejected.reason, "field": rejected.field, "errors": rejected.problems()}


def as_text(name: str, account: dict[str, Any]) -> str:
    """The account for people: one line per recipient, or the parking reason with every error."""
    lines = [f"{name}:"]
    message = account.get("message")
    if message:
        where = f"{message['ags']} {message['municipality'] or '(unbekannte Gemeinde)'}"
        lines.append(f"  {message['standard']} {message['version']} {message['message_type']} "
                     f"({', '.join(message['kinds'])}) für {where}, von {message['author']} an {message['reader']}")
    parked = account.get("parked")
    if parked:
        lines.append(f"  geparkt: {parked['code']}: {parked['reason']}")
        lines += [f"    - {e['code']}: {e['detail']}" for e in parked["errors"][1:]]
        return "\n".join(lines)
    for r in account["recipients"]:
        why = "adressierter Leser" if r["rule"] == ADDRESSED_READER else f"Regel {r['rule']}"
        if r["also"]:
            why += f" (auch Regel {', '.join(r['also'])})"
        kind = f", Nachrichtenart {r['kind']}" if r["kind"] else ""
        lines.append(f"  → {r['authority']:<18} {r['name']} [{r['role']}] — {why}, {r['copy']}{kind}, über "
                     f"{r['channel']}")
    return "\n".join(lines)
