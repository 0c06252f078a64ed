"""`hub faults`: the fault suite, with its sizes, faults and timeouts as options; exit 1 when the target is missed."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from hub.settings import get_settings


@click.command(name="faults")
@click.option("--small", is_flag=True,
              help="The version CI runs: 200 messages at 10/s, 1 kill, the broker restart, a 10 s webhook outage. "
                   "Explicit options still apply.")
@click.option("--messages", type=int, help="Trade notifications to post, each a new business (default 2,000).")
@click.option("--rate", type=float, help="POSTs per second, offered steadily (default 10).")
@click.option("--kills", type=int, help="kill -9 of the worker's process group, each followed by a restart "
                                        "(default 5).")
@click.option("--no-broker-restart", is_flag=True, help="Leave out the broker stop and start.")
@click.option("--webhook-outage", "webhook_outage_s", type=float, metavar="SECONDS",
              help="How long the webhook recipient is down, half answering 503, half refusing connections "
                   "(default 60; 0 for none).")
@click.option("--webhook-recipient", metavar="KEY",
              help="The recipient served by the suite's webhook (default xga:06431000, the district's trade "
                   "supervision); every other recipient keeps its pull inbox.")
@click.option("--seed", type=int, help="Seed of the fault moments; a run prints its seed, so it can be repeated.")
@click.option("--connections", type=int, help="HTTP connections of the load generator (default 32).")
@click.option("--start-timeout", "start_timeout_s", type=float,
              help="Seconds a (re)started worker may take to be healthy (default 180).")
@click.option("--post-timeout", "post_timeout_s", type=float,
              help="Seconds one message is POSTed again before the load generator gives it up (default 600).")
@click.option("--drain-timeout", "drain_timeout_s", type=float,
              help="Seconds everything may take to arrive after the load and the faults (default 300).")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep broker data, the worker's data and logs and the routing data here (default: a temporary "
                   "folder, removed afterwards).")
def faults_command(small: bool, no_broker_restart: bool, **given: Any) -> None:
    """Crash the hub under load and count, at its recipients, what was lost or given twice.

    Starts its own broker on free ports (or uses HUB_KAFKA_BOOTSTRAP, then without the broker restart), a webhook
    recipient in this process and `hub run` with a routing directory in which the webhook recipient
    (--webhook-recipient) is served by a signed webhook and every other recipient by its pull inbox. While N trade
    notifications are POSTed at a steady rate (a message is POSTed again on no answer or 503 until it is answered;
    it counts as accepted once answered 202), it kills the worker with kill -9 K times at random moments
    (restarting it each time with its local state), stops and starts the broker once while the worker runs, and
    takes the webhook recipient down. Once everything settled it reads every inbox and case timeline over the API
    and the POSTs the recipient received, and prints one table: accepted, expected deliveries, lost, duplicate
    deliveries per channel, incomplete timelines, repeated timeline steps and the faults with their times.

    Progress goes to stderr, the table to stdout. Exit code 1 when anything was lost, given twice, refused, filed
    twice or left incomplete; 2 for wrong options; 3 when a step could not run. Not part of the test suite (its
    --small version is); `make faults` runs it.
    """
    from hub.faults.errors import FaultSuiteError
    from hub.faults.options import SMALL, FaultOptions
    from hub.faults.report import table
    from hub.faults.run import run_faults

    chosen: dict[str, Any] = dict(SMALL) if small else {}
    chosen.update({name: value for name, value in given.items() if value is not None})
    if no_broker_restart:
        chosen["broker_restart"] = False
    try:
        options = replace(FaultOptions(), **chosen).validated()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    def progress(line: str) -> None:
        click.echo(line, err=True)

    try:
        result = asyncio.run(run_faults(options, get_settings(), progress))
    except FaultSuiteError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    click.echo(table(result), nl=False)
    if not result.ok:
        sys.exit(1)
