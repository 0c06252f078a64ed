"""`hub replay`: send one recipient's history on the delivery stream again, for a time or an offset range."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from kafka.errors import KafkaError

from hub.cli.deployment import connect
from hub.deadletter.store import open_producer
from hub.delivery.history import HistoryError, history_consumer, read_range, replayed, resolve
from hub.routing.errors import RoutingError
from topics.keys import ascii_digits


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time, e.g. 2026-11-30T08:00") from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _offsets(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    start, sep, end = value.partition("-")
    if not sep or not ascii_digits(start) or not ascii_digits(end):
        raise click.BadParameter(f"{value!r} is not an offset range START-END, e.g. 1200-1450")
    return int(start), int(end)


@click.command(name="replay")
@click.option("--recipient", required=True, metavar="KEY", help="The recipient authority (DVDV prefix:key).")
@click.option("--since", metavar="TIME", help="First copy to send again, by the time it was written (ISO 8601).")
@click.option("--until", metavar="TIME", help="Send copies written before this time (ISO 8601; default: now).")
@click.option("--offsets", metavar="START-END", help="An offset range of the recipient's partition instead.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def replay_command(recipient: str, since: str | None, until: str | None, offsets: str | None, yes: bool) -> None:
    """Send RECIPIENT's copies of a range of the delivery stream again, through its current channel.

    The hub never re-sends history by itself: a channel added or changed later serves only what arrives afterwards.
    Use this to hand a recipient what it missed (e.g. after its system lost data, or when it switches channel).
    Replayed copies are given even if the recipient was given them before; they carry the same message ids and
    idempotency keys as the first time. Give --since/--until or --offsets (see `hub kafka status` for partitions).
    """
    if offsets and (since or until):
        raise click.UsageError("give either --since/--until or --offsets")
    if not (offsets or since):
        raise click.UsageError("give --since (and optionally --until) or --offsets")
    deployment = connect()
    from hub.app.factory import load_routing

    try:
        directory = load_routing(deployment.settings).directory
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from exc
    if directory.authority(recipient) is None:
        raise click.ClickException(f"{recipient} is not an authority of the directory")
    topic = deployment.catalogue.delivery
    consumer = history_consumer(deployment.bootstrap, **deployment.client)
    try:
        span = resolve(consumer, topic, recipient, deployment.catalogue.partitions, since=_when(since),
                       until=_when(until), offsets=_offsets(offsets))
        click.echo(f"Reading {topic}[{span.partition}] offsets {span.start}-{span.end} …", err=True)
        records = read_range(consumer, topic, span, recipient)
    except (HistoryError, KafkaError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        consumer.close()
    copies = list(replayed(records, recipient, topic))
    if not copies:
        click.echo(f"No copies for {recipient} in that range.")
        return
    if not yes:
        click.confirm(f"Send {len(copies)} copies to {recipient} again?", abort=True)
    producer = open_producer(deployment.bootstrap, client=deployment.client)
    try:
        with click.progressbar(copies, label="Replaying", show_pos=True, file=click.get_text_stream("stderr")) as bar:
            sent = [producer.send(c.topic, key=c.key, value=c.value, headers=c.headers) for c in bar]
        producer.flush(timeout=120)
        for future in sent:
            future.get(timeout=30)  # acks=all: every copy is on Kafka before we say so
    except KafkaError as exc:
        raise click.ClickException(f"Kafka did not take every copy: {exc}; run the replay again (copies that "
                                   "did get through are then given once more)") from exc
    finally:
        producer.close(timeout=10)
    click.echo(f"{len(copies)} copies sent to {recipient} again.")
