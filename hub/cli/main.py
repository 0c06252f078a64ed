"""The `hub` command: run the hub, manage its local Kafka, check XÖV messages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import click

from connectors.errors import ConnectorError
from hub.cli.bench import bench_command
from hub.cli.case import case_group
from hub.cli.dlq import dlq_group
from hub.cli.faults import faults_command
from hub.cli.kafka import kafka_group
from hub.cli.replay import replay_command
from hub.cli.routing import config_group, route_command
from hub.cli.tokens import token_group
from hub.cli.trace import trace_command
from hub.routing.errors import RoutingError
from hub.settings import Settings, get_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Municipal event hub: routes XÖV messages (XGewerbeanzeige, …) between municipalities, district and state.

    Settings come from HUB_* environment variables; see README.md.
    """
    from pydantic import ValidationError

    from hub.logs.setup import configure

    try:
        settings = get_settings()
    except ValidationError as exc:
        problems = "; ".join(f"HUB_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                             for e in exc.errors(include_input=False))
        raise click.ClickException(f"invalid settings: {problems}") from None
    configure(settings)


def _announcer(settings: Settings) -> Callable[[str], None]:
    """Where `hub run` says what it does: the terminal, or a log line when logs are JSON (every line stays JSON)."""
    if settings.log_format == "json":
        return logging.getLogger("hub.run").info
    return click.echo


cli.add_command(kafka_group)
cli.add_command(route_command)
cli.add_command(config_group)
cli.add_command(token_group)
cli.add_command(dlq_group)
cli.add_command(case_group)
cli.add_command(replay_command)
cli.add_command(trace_command)
cli.add_command(bench_command)
cli.add_command(faults_command)


@cli.command()
@click.option("--no-topics", is_flag=True, help="Do not create missing topics at start.")
def run(no_topics: bool) -> None:
    """Start the hub: local Kafka (unless HUB_KAFKA_BOOTSTRAP is set), topics, worker and HTTP API.

    The API listens on HUB_HTTP_HOST:HUB_HTTP_PORT (default 127.0.0.1:6066). Stop with Ctrl+C.
    """
    from hub.app.factory import create_app
    from hub.auth.tokens import TokenFileError
    from hub.delivery.channels import SecretsError
    from hub.kafka.client_config import describe
    from hub.kafka.errors import KafkaLauncherError
    from hub.kafka.launcher import LocalKafka
    from hub.memory import limit_malloc_arenas
    from hub.preflight import PreflightError, preflight
    from topics.admin import TopicAdminError, ensure_topics

    limit_malloc_arenas()  # before the schema compiles and the worker's threads
    settings = get_settings()
    say = _announcer(settings)
    try:
        checked = preflight(settings)
    except PreflightError as exc:
        raise click.ClickException(str(exc)) from exc
    routing = checked.routing
    bootstrap = settings.kafka_bootstrap
    if bootstrap:
        say(f"Using the Kafka cluster at {bootstrap} (HUB_KAFKA_BOOTSTRAP, {describe(settings)}).")
    else:
        try:
            bootstrap = LocalKafka(settings).start(progress=say)
        except KafkaLauncherError as exc:
            raise click.ClickException(str(exc)) from exc
    if not no_topics:
        say("Creating missing topics …")
        topics = routing.catalogue.all_topics(routing.rules.kafka_recipients(routing.directory))
        try:
            created = ensure_topics(bootstrap, topics, replication_factor=settings.replication_factor,
                                    progress=say, client_options=checked.kafka_client)
        except TopicAdminError as exc:
            raise click.ClickException(str(exc)) from exc
        say(f"Topics ready: {len(topics)} declared, {len(created)} created.")
    try:
        hub_app = create_app(settings, bootstrap, routing)
    except (SecretsError, TokenFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    say(f"HTTP API on http://{settings.http_host}:{settings.http_port}/api/v1/messages")
    if not hub_app.tokens.grants:
        say(f"No API tokens in {settings.tokens_path}: every call except /healthz and /metrics gets 401. "
            "Create one with `hub token add --system NAME --authority KEY` and restart.")
    from faust.worker import Worker

    from hub.logs.setup import logging_config

    json_logs = settings.log_format == "json"
    worker = Worker(hub_app.app, loglevel=settings.log_level, logging_config=logging_config(settings),
                    quiet=json_logs)
    if json_logs:
        worker.spinner = None  # the start-up spinner writes raw characters to stdout
    worker.execute_from_commandline()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check XÖV message FILES: print standard, message type, recipients and every error found.

    Exits with 1 when any file has an error. Prints no personal data.
    """
    from hub.app.factory import load_routing
    from hub.pipeline import plan, read

    settings = get_settings()
    routing = load_routing(settings)
    failures = 0
    for path in files:
        click.echo(f"{path}:")
        data = path.read_bytes()
        try:
            reading = read(data, max_bytes=settings.max_message_bytes)
        except ConnectorError as exc:
            failures += 1
            for error in exc.all_errors:
                click.echo(f"  Fehler: {error}")
            continue
        event = reading.envelope
        click.echo(f"  Standard:       {event.standard} {event.version}")
        for label, value in reading.summary.items():
            click.echo(f"  {label[:1].upper() + label[1:] + ':':<15} {value}")
        try:
            deliveries = plan(data, reading, routing)
        except (RoutingError, ConnectorError) as exc:
            failures += 1
            click.echo(f"  Fehler: {exc.code}: {exc.detail}")
            continue
        click.echo(f"  Empfänger:      {', '.join(d.recipient.key for d in deliveries)}")
        click.echo("  Ergebnis:       gültig")
    if failures:
        click.echo(f"{failures} von {len(files)} Datei(en) fehlerhaft.", err=True)
        sys.exit(1)
