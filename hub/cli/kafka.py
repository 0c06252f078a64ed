"""`hub kafka start|stop|status`: the project's own single-node Apache Kafka broker for development/tests."""

from __future__ import annotations

from pathlib import Path

import click

from hub.kafka import KafkaLauncherError, LocalKafka

_DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Broker data, pid and log files (default: <HUB_DATA_DIR>/kafka).",
)


@click.group(name="kafka")
def kafka_group() -> None:
    """Run a local single-node Apache Kafka broker (KRaft) from Maven Central jars.

    Needs Java 17+ and, on first start, Maven; jars are cached under HUB_CACHE_DIR.
    """


@kafka_group.command()
@_DATA_DIR
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Client port on 127.0.0.1 (default: HUB_KAFKA_PORT, 9092).",
)
@click.option(
    "--controller-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="KRaft controller port on 127.0.0.1 (default: HUB_KAFKA_CONTROLLER_PORT, 9093).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=90.0,
    show_default=True,
    help="Seconds to wait for the broker to answer.",
)
def start(data_dir: Path | None, port: int | None, controller_port: int | None, timeout: float) -> None:
    """Start the broker in the background and wait until it answers.

    Resolves the pinned Kafka version (HUB_KAFKA_VERSION) on first use, formats the KRaft storage once per
    data directory, and does nothing if the broker already runs. Exits non-zero with the reason on failure.
    """
    broker = LocalKafka(data_dir=data_dir, port=port, controller_port=controller_port, start_timeout_s=timeout)
    try:
        broker.start(progress=click.echo)
    except KafkaLauncherError as exc:
        raise click.ClickException(str(exc)) from exc


@kafka_group.command()
@_DATA_DIR
def stop(data_dir: Path | None) -> None:
    """Stop the broker (SIGTERM, SIGKILL after 30 s) and remove its pid file; fine if it is not running."""
    try:
        LocalKafka(data_dir=data_dir).stop(progress=click.echo)
    except KafkaLauncherError as exc:
        raise click.ClickException(str(exc)) from exc


@kafka_group.command()
@_DATA_DIR
def status(data_dir: Path | None) -> None:
    """Show the broker (the local one, or the cluster HUB_KAFKA_BOOTSTRAP names), the deployment's topics with their
    partitions and records, and every consumer group reading them with its lag.

    Exits 0 when Kafka answers, 1 otherwise (usable in scripts).
    """
    from hub.kafka.reachable import unreachable
    from hub.settings import get_settings

    settings = get_settings()
    if settings.kafka_bootstrap:
        bootstrap = settings.kafka_bootstrap
        problem = unreachable(bootstrap, 5.0)
        click.echo(f"Cluster:   {bootstrap} (HUB_KAFKA_BOOTSTRAP)")
        click.echo(f"Answers:   {'yes' if problem is None else f'no ({problem})'}")
        answering = problem is None
    else:
        state = LocalKafka(data_dir=data_dir).status()
        if state.running:
            click.echo(f"Apache Kafka {state.version}: running (pid {state.pid})")
        else:
            click.echo(f"Apache Kafka {state.version}: not running")
        click.echo(f"Bootstrap: {state.bootstrap}")
        click.echo(f"Answers:   {'yes' if state.answering else 'no'}")
        click.echo(f"Data dir:  {state.data_dir}")
        bootstrap, answering = state.bootstrap, state.answering
    if not answering:
        raise click.exceptions.Exit(1)
    _deployment(bootstrap)


def _deployment(bootstrap: str) -> None:
    """The deployment's topics (a fixed set, whatever the directory holds, plus the own topics of recipients that
    read Kafka) with partitions and records, and the consumer groups reading them with their lag."""
    from hub.app.factory import load_routing
    from hub.kafka.client_config import kafka_python_kwargs
    from hub.kafka.offsets import KafkaOffsetReader, OffsetsUnavailable
    from hub.kafka.status_report import group_lags, render, topic_states
    from hub.routing.errors import RoutingError
    from hub.settings import get_settings

    settings = get_settings()
    try:
        routing = load_routing(settings)
    except RoutingError as exc:
        click.echo(f"Topics:    routing data invalid ({exc})")
        return
    catalogue = routing.catalogue
    declared = [t.name for t in catalogue.all_topics(routing.rules.kafka_recipients(routing.directory))]
    reader = KafkaOffsetReader(bootstrap, client=kafka_python_kwargs(settings), timeout_s=10.0)
    try:
        logs = reader.log_offsets(declared)
        groups = reader.groups()
        committed = reader.committed(sorted(groups))
    except OffsetsUnavailable as exc:
        click.echo(f"Topics:    cannot be read ({exc})")
        return
    finally:
        reader.close()
    topics = topic_states(declared, logs)
    present = sum(1 for t in topics if t.partitions)
    click.echo(f"Topics:    {len(declared)} declared for {len(routing.directory.authorities)} authorities "
               f"(prefix {settings.topic_prefix!r}), {present} present")
    for line in render(topics, group_lags(groups, committed, logs, catalogue.app_id, catalogue.consumed())):
        click.echo(line)
