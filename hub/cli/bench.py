"""`hub bench`: the benchmark, with its sizes and the phases to skip as options."""

from __future__ import annotations

import asyncio
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import click

from hub.settings import get_settings

_SKIPS = {
    "selfcheck": "the load generator's own ceiling against a trivial server",
    "passthrough": "the raw aiokafka passthrough",
    "saturation": "the load phases at saturation",
    "fixed-rate": "the load phases at the fixed offered rate",
    "cases": "the RSS checkpoints (the longest part: trade notifications up to the largest checkpoint)",
    "restart": "the kill -9 of the worker and its restart",
    "nationwide": "the start with a generated directory of all German municipalities",
}


def _skip_options(command: Any) -> Any:
    for name, what in reversed(_SKIPS.items()):
        command = click.option(f"--skip-{name}", is_flag=True, help=f"Leave out {what}.")(command)
    return command


@click.command(name="bench")
@click.option("--quick", is_flag=True,
              help="A smoke run: 50 messages per standard, 3 s of fixed load, 2,000 passthrough records, "
                   "an RSS checkpoint at 300 cases. Explicit options still apply.")
@click.option("--standard", "standards", multiple=True, metavar="NAME",
              help="XGewerbeanzeige (trade), XBau (building) or XMeld (registration); repeat for several. "
                   "Default: all three.")
@click.option("--messages", type=int, help="Messages per standard at saturation (default 10,000).")
@click.option("--rate", type=float, help="Offered load of the fixed-load phase in msg/s (default 100).")
@click.option("--rate-seconds", type=float, help="Duration of the fixed-load phase (default 30 s).")
@click.option("--connections", type=int, help="HTTP connections of the load generator (default 32).")
@click.option("--passthrough-messages", type=int, help="Records per standard of the raw passthrough (default 20,000).")
@click.option("--selfcheck-messages", type=int, help="POSTs of the load generator's own check (default 5,000).")
@click.option("--cases", help="RSS checkpoints, comma-separated numbers of cases (default 10000,100000).")
@click.option("--drain-timeout", type=float, help="Seconds a phase waits after its last POST (default 600).")
@click.option("--start-timeout", type=float, help="Seconds a `hub run` may take to be healthy (default 600).")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep broker data, hub logs and the generated directory here (default: a temporary folder).")
@_skip_options
def bench_command(quick: bool, standards: tuple[str, ...], **given: Any) -> None:
    """Benchmark a real `hub run` on a real broker and print one table with the targets beside the figures.

    Starts the local broker on free ports (or uses HUB_KAFKA_BOOTSTRAP), then measures: the load generator's own
    ceiling; the raw aiokafka consume → produce passthrough of the same messages; the time to healthy of a fresh
    `hub run`; per standard the API rate, the end-to-end rate (every planned recipient has its copy) and p50/p99
    latency at saturation and at a fixed offered load; worker RSS before and after and at case checkpoints; the
    time to healthy after kill -9; and a fresh start with a generated directory of all German municipalities.
    Progress goes to stderr, the table to stdout. Targets are printed, never asserted: the exit code is 0
    whenever the benchmark ran. Not part of the test suite; `make bench` runs it.
    """
    from hub.bench.errors import BenchError
    from hub.bench.options import QUICK, BenchOptions, standard_name
    from hub.bench.report import rows
    from hub.bench.run import run_bench
    from hub.bench.table import render

    chosen: dict[str, Any] = dict(QUICK) if quick else {}
    renames = {"drain_timeout": "drain_timeout_s", "start_timeout": "start_timeout_s"}
    known = {f.name for f in fields(BenchOptions)}
    for name, value in given.items():
        key = renames.get(name, name)
        if value is None or value is False:
            continue
        if key == "cases":
            try:
                value = tuple(int(part.replace("_", "")) for part in str(value).split(",") if part.strip())
            except ValueError as exc:
                raise click.BadParameter(f"{value!r} is not a comma-separated list of numbers",
                                         param_hint="--cases") from exc
        if key in known:
            chosen[key] = value
    try:
        if standards:
            chosen["standards"] = tuple(dict.fromkeys(standard_name(s) for s in standards))
        options = replace(BenchOptions(), **chosen).validated()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc

    def progress(line: str) -> None:
        click.echo(line, err=True)

    try:
        results = asyncio.run(run_bench(options, get_settings(), progress))
    except BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(render(results.title, rows(results), results.notes))
