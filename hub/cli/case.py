"""`hub case find VALUE`: the cases a reference belongs to, as the reference index knows them."""

from __future__ import annotations

import json

import click
from kafka.errors import KafkaError
from pydantic import TypeAdapter

from hub.cases.references import Hit, normalise
from hub.cli.deployment import connect
from hub.ingest.ordering import partition_of
from hub.kafka.scan import ScanTimeout, scan, tool_consumer

HIT: TypeAdapter[Hit] = TypeAdapter(Hit)


@click.group(name="case")
def case_group() -> None:
    """Find cases by the references people hold."""


@case_group.command(name="find")
@click.argument("value")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of the table.")
def find_command(value: str, as_json: bool) -> None:
    """List the cases VALUE belongs to: an Aktenzeichen, a referenzAntragsservice, a gemeindeMeldungNr, a
    gewerbebetriebID, a message id (nachrichtenUUID), an XMeld event, a zuordnung or a payment reference; spelling
    and case do not matter. For operators: every case is listed (a token's API search shows only its own).

    Reads the reference index from Kafka (HUB_KAFKA_BOOTSTRAP, else the local broker). Exits 1 when none matches.
    """
    deployment = connect()
    catalogue = deployment.catalogue
    key = normalise(value).encode()
    consumer = tool_consumer(deployment.bootstrap, "municipal-hub-case-find")
    try:
        found = scan(consumer, catalogue.references, partition_of(key, catalogue.partitions),
                     lambda r: bool(r.key == key and r.value))
    except (KafkaError, ScanTimeout) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        consumer.close()
    hits = list(dict.fromkeys(HIT.validate_json(r.value) for r in found))
    if as_json:
        click.echo(json.dumps([h.model_dump(mode="json") for h in hits], indent=2, ensure_ascii=False))
    elif hits:
        for hit in hits:
            where = f" ({hit.authority})" if hit.authority else ""
            click.echo(f"{hit.case_id}  {hit.kind}{where}")
        click.echo(f"{len(hits)} Vorgang/Vorgänge; `hub trace CASE_ID` zeigt jeden Schritt.")
    if not hits:
        click.echo(f"Zu {value!r} ist kein Vorgang bekannt.", err=True)
        raise click.exceptions.Exit(1)
