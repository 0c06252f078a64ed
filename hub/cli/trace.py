"""`hub trace CASE_ID|MESSAGE_ID`: every step of a case or a message, in order, from the hub's own records."""

from __future__ import annotations

import json
from typing import Any

import click
from kafka.errors import KafkaError
from pydantic import TypeAdapter, ValidationError

from hub.cases.references import MESSAGE_ID, Hit, normalise
from hub.cases.trace import as_json, as_table, trace
from hub.cli.deployment import connect
from hub.deadletter import DeadLetterError
from hub.deadletter.store import read_parked
from hub.ingest.ordering import partition_of
from hub.kafka.scan import ScanTimeout, scan, tool_consumer
from topics.envelope import StatusEvent

HITS: TypeAdapter[Hit] = TypeAdapter(Hit)


def _steps(consumer: Any, topic: str, case_id: str, partitions: int) -> list[StatusEvent]:
    """The status events of one case: its partition of the status topic, read to its end."""
    key = case_id.encode()

    def progress(done: int, total: int) -> None:
        click.echo(f"\r  {done}/{total} status records read", nl=False, err=True)

    found = scan(consumer, topic, partition_of(key, partitions), lambda r: bool(r.key == key and r.value),
                 progress=progress)
    click.echo("", err=True)
    return [StatusEvent.model_validate_json(r.value) for r in found]


@click.command(name="trace")
@click.argument("ident", metavar="CASE_ID|MESSAGE_ID")
@click.option("--json", "as_json_", is_flag=True, help="Print a JSON array instead of the table.")
def trace_command(ident: str, as_json_: bool) -> None:
    """Print every step of a case, or of one message (by its nachrichtenUUID), in order: time, stage, the record it
    came from (topic[partition]@offset), recipient, channel, attempt and outcome; parked records beside them.

    Reads the hub's topics directly (HUB_KAFKA_BOOTSTRAP, else the local broker), as far back as their retention
    keeps them. Shows ids, codes and reasons, never message content.
    """
    deployment = connect()
    catalogue = deployment.catalogue
    consumer = tool_consumer(deployment.bootstrap, "municipal-hub-trace")
    try:
        key = normalise(ident).encode()
        hits = [HITS.validate_json(r.value) for r in scan(consumer, catalogue.references,
                                                          partition_of(key, catalogue.partitions),
                                                          lambda r: r.key == key and r.value)]
        message_id = ident if any(h.kind == MESSAGE_ID for h in hits) else None
        cases = sorted({h.case_id for h in hits if h.kind == MESSAGE_ID}) or [ident]
        parked = [i.record for i in read_parked(deployment.bootstrap, catalogue.deadletter)]
        lines = []
        for case_id in cases:
            lines += trace(_steps(consumer, catalogue.status, case_id, catalogue.partitions), parked,
                           case_id=case_id, message_id=message_id)
    except (KafkaError, ScanTimeout, DeadLetterError, ValidationError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        consumer.close()
    if as_json_:
        click.echo(json.dumps(as_json(lines), indent=2, ensure_ascii=False))
        return
    if not lines:
        raise click.ClickException(f"no steps of {ident} are on the hub's topics (unknown, or older than their "
                                   "retention)")
    click.echo(f"Vorgang {', '.join(cases)}" + (f", Nachricht {message_id}" if message_id else ""))
    click.echo(as_table(lines))
