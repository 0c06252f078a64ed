"""`hub dlq list|show|replay`: inspect the records the hub parked on the dead-letter topic, and replay them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click

from hub.cli.deployment import Deployment, connect
from hub.deadletter import DeadLetterError
from hub.deadletter.query import ID_WIDTH, format_detail, format_table, resolve, select, to_json
from hub.deadletter.replay import Outcome, ReplayResult, replay, summary
from hub.deadletter.store import ParkedItem, open_producer, read_parked
from hub.settings import Settings
from topics.catalogue import Catalogue

_REASON = click.option("--reason", metavar="CODE",
                       help='Only items with this reason code, or a code prefix such as "xml." or "routing".')
_AUTHORITY = click.option("--authority", metavar="KEY",
                          help="Only items for this DVDV key (prefix:key): the failed delivery's recipient, or the "
                               "message's author or reader.")


@dataclass(frozen=True)
class _Hub:
    """What every dlq command needs: the deployment and its parked items."""

    deployment: Deployment

    @property
    def settings(self) -> Settings:
        return self.deployment.settings

    @property
    def bootstrap(self) -> str:
        return self.deployment.bootstrap

    @property
    def catalogue(self) -> Catalogue:
        return self.deployment.catalogue

    def parked(self) -> list[ParkedItem]:
        return read_parked(self.bootstrap, self.catalogue.deadletter, client=self.deployment.client)


def _connect() -> _Hub:
    return _Hub(connect())


@contextmanager
def _operator_errors() -> Iterator[None]:
    """Turn the tooling's errors into a one-line message and exit status 1."""
    try:
        yield
    except DeadLetterError as exc:
        raise click.ClickException(str(exc)) from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(name="dlq")
def dlq_group() -> None:
    """Inspect and replay dead letters: the records the hub parked on the topic `hub.deadletter`.

    Each item keeps the original bytes and why and where it was parked. Payloads hold personal data and are
    shown only on request (`show --payload`). Uses HUB_KAFKA_BOOTSTRAP, else the local broker (`hub kafka start`);
    topic names follow HUB_TOPIC_PREFIX.
    """


@dlq_group.command(name="list", short_help="List parked items (no payloads).")
@_REASON
@_AUTHORITY
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of the table.")
def list_command(reason: str | None, authority: str | None, as_json: bool) -> None:
    """List the parked items, oldest first: id, parked at, reason, origin, authority and attempts.

    ORIGIN is "topic[partition]@offset" for a record the worker read, or "http" for a message refused at the API.
    AUTHORITY is the failed delivery's recipient, else the message's sender when it reads. No payloads.
    """
    with _operator_errors():
        hub = _connect()
        max_bytes = hub.settings.max_message_bytes
        items = select(hub.parked(), reason=reason, authority=authority, max_bytes=max_bytes)
    if as_json:
        _echo_json([to_json(i, max_bytes=max_bytes) for i in items])
    elif not items:
        click.echo("No parked items match." if reason or authority else "No parked items.")
    else:
        click.echo(format_table(items, max_bytes=max_bytes))
        click.echo(f"{len(items)} parked item(s).")


@dlq_group.command(short_help="Show one parked item in full.")
@click.argument("item_id", metavar="ID")
@click.option("--payload", is_flag=True, help="Also print the original bytes. They hold personal data.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
def show(item_id: str, payload: bool, as_json: bool) -> None:
    """Show every field of the parked item ID (the full id or a unique prefix, e.g. the 8 characters of `list`).

    Exits 1 when no item or more than one item starts with ID.
    """
    with _operator_errors():
        hub = _connect()
        item = resolve(hub.parked(), item_id)
    max_bytes = hub.settings.max_message_bytes
    if as_json:
        _echo_json(to_json(item, payload=payload, max_bytes=max_bytes))
    else:
        click.echo(format_detail(item, payload=payload, max_bytes=max_bytes))


@dlq_group.command(name="replay", short_help="Replay parked items and remove them.")
@click.argument("item_id", metavar="[ID]", required=False)
@click.option("--all", "replay_all", is_flag=True, help="Replay every parked item (narrowed by --reason/--authority).")
@_REASON
@_AUTHORITY
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation with --all.")
def replay_command(item_id: str | None, replay_all: bool, reason: str | None, authority: str | None,
                   yes: bool) -> None:
    """Send parked items back through the normal path and remove them once Kafka has them.

    A failed delivery goes back onto its recipient's outbound stream; any other item goes onto its standard's
    ingest topic, where the worker validates and routes it again (and parks it anew, under a new id, if it still
    fails). An item whose standard cannot be determined is skipped and stays parked. Give one ID (or a unique
    prefix) or --all; --all asks for confirmation unless --yes is given. Exits 1 when Kafka refused a record.
    """
    if bool(item_id) == replay_all:
        raise click.UsageError("give either an ID or --all")
    if item_id and (reason or authority):
        raise click.UsageError("--reason and --authority narrow --all; they cannot be combined with an ID")
    with _operator_errors():
        hub = _connect()
        max_bytes = hub.settings.max_message_bytes
        parked = hub.parked()
        items = [resolve(parked, item_id)] if item_id else select(parked, reason=reason, authority=authority,
                                                                  max_bytes=max_bytes)
    if not items:
        click.echo("Nothing to replay.")
        return
    if replay_all and not yes:
        click.confirm(f"Replay {len(items)} parked item(s) through the normal path?", abort=True)
    results = _replay(hub, items)
    for result in results:
        if result.outcome is Outcome.REPLAYED:
            click.echo(f"replayed {result.item_id[:ID_WIDTH]} → {result.topic}")
        else:
            click.echo(f"{result.outcome} {result.item_id[:ID_WIDTH]}: {result.reason}")
    click.echo(summary(results))
    if any(r.outcome is Outcome.FAILED for r in results):
        raise click.exceptions.Exit(1)


def _replay(hub: _Hub, items: list[ParkedItem]) -> list[ReplayResult]:
    results: list[ReplayResult] = []
    with _operator_errors():
        producer = open_producer(hub.bootstrap, client=hub.deployment.client)
    try:
        with click.progressbar(items, label="Replaying", show_pos=True, file=click.get_text_stream("stderr"),
                               item_show_func=lambda i: i.id[:ID_WIDTH] if i else None) as bar:
            for item in bar:
                results.append(replay(item, producer, hub.catalogue, max_bytes=hub.settings.max_message_bytes))
    finally:
        producer.close(timeout=10)
    return results
