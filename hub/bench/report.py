"""What a benchmark run measured, and the table rows it makes, with the targets beside the figures.

Targets are printed with their verdict and never asserted: the figures depend on the machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.bench.passthrough import PassthroughFigures
from hub.bench.stats import PhaseFigures
from hub.bench.table import NOT_MEASURED, Row, duration, megabytes, number, verdict

TRADE = "XGewerbeanzeige"
TRADE_RATE_MIN = 2000.0  # msg/s end to end per worker, trade notifications with 4 recipients
RATIO_MIN = 0.2  # end to end / passthrough
P99_MAX_S = 0.25
P99_OFFERED = 100.0  # msg/s at which the p99 target applies
RSS_MAX_BYTES = 300 * 1024 * 1024
RSS_CASES = 100_000
FRESH_MAX_S = 10.0
RESTART_MAX_S = 15.0
LOADGEN_SHARE_MAX = 0.5  # the API rate must stay below this share of the load generator's own ceiling


@dataclass
class StandardResult:
    """The figures of one standard."""

    standard: str
    recipients: tuple[int, ...]  # planned recipients per message, over the standard's samples
    saturation: PhaseFigures | None = None
    fixed: PhaseFigures | None = None
    passthrough: PassthroughFigures | None = None

    @property
    def ratio(self) -> float | None:
        e2e = self.saturation.end_to_end_rate if self.saturation else None
        raw = self.passthrough.records_per_s if self.passthrough else None
        return e2e / raw if e2e is not None and raw else None


@dataclass(frozen=True)
class Start:
    """Time to healthy of one `hub run`; None when it was not healthy within `timeout_s`."""

    seconds: float | None
    timeout_s: float
    detail: str = ""

    def measured(self) -> str:
        text = duration(self.seconds) if self.seconds is not None else f"not healthy within {self.timeout_s:.0f} s"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class Results:
    """Everything one run measured; a field left None was skipped or failed (the notes say which)."""

    title: list[str]
    connections: int
    rate: float
    loadgen_ceiling: float | None = None
    standards: list[StandardResult] = field(default_factory=list)
    rss_before: int | None = None
    rss_after: int | None = None
    messages_sent: int = 0
    rss_cases: list[tuple[int, int]] = field(default_factory=list)  # (cases so far, RSS bytes)
    fresh: Start | None = None
    restart: Start | None = None
    nationwide: Start | None = None
    nationwide_check: str | None = None
    notes: list[str] = field(default_factory=list)


def _ms_pair(figures: PhaseFigures | None) -> str:
    if figures is None:
        return NOT_MEASURED
    return f"{duration(figures.p50_s)} / {duration(figures.p99_s)}"


def _completion(figures: PhaseFigures) -> str:
    missing = f", {figures.incomplete:,} of {figures.accepted:,} incomplete" if figures.incomplete else ""
    refused = f", {figures.sent - figures.accepted:,} not accepted" if figures.sent != figures.accepted else ""
    return missing + refused


def standard_rows(result: StandardResult, rate: float, connections: int) -> list[Row]:
    name, sat, fixed, raw = result.standard, result.saturation, result.fixed, result.passthrough
    counts = sorted(set(result.recipients)) or [0]
    recipients = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
    trade = name == TRADE
    rows = [
        Row(f"{name}: API accepted/s, saturation ({connections} connections)",
            number(sat.api_rate, "posts/s") if sat else NOT_MEASURED),
        Row(f"{name}: end to end msg/s, saturation ({recipients} recipient{'' if recipients == '1' else 's'} each)",
            (number(sat.end_to_end_rate, "msg/s") + f" ({sat.sent:,} sent{_completion(sat)})") if sat else NOT_MEASURED,
            f"≥ {TRADE_RATE_MIN:,.0f} msg/s" if trade else "",
            verdict(None if sat is None or sat.end_to_end_rate is None  # incomplete messages: never met
                    else not sat.incomplete and sat.end_to_end_rate >= TRADE_RATE_MIN) if trade else ""),
        Row(f"{name}: latency p50 / p99, saturation", _ms_pair(sat)),
        Row(f"{name}: latency p50 / p99, {rate:,.0f} msg/s offered",
            _ms_pair(fixed) + (f" ({fixed.sent:,} sent{_completion(fixed)})" if fixed else ""),
            f"p99 < {P99_MAX_S * 1000:.0f} ms at {P99_OFFERED:.0f} msg/s",
            _p99_verdict(fixed, rate)),
        Row(f"{name}: raw passthrough, aiokafka consume → produce, acks=all, 1 MB batches"
            + (f", {raw.mean_bytes / 1024:.1f} KB" if raw else ""),
            number(raw.records_per_s, "msg/s") + f" ({raw.megabytes_per_s or 0:,.1f} MB/s)" if raw else NOT_MEASURED),
        Row(f"{name}: ratio end to end / passthrough", number(result.ratio, digits=4),
            f"≥ {RATIO_MIN}" if trade else "", verdict(None if result.ratio is None else result.ratio >= RATIO_MIN)
            if trade else ""),
    ]
    return rows


def _p99_verdict(fixed: PhaseFigures | None, rate: float) -> str:
    if rate != P99_OFFERED:
        return f"n/a (offered {rate:,.0f} msg/s)"
    if fixed is None or fixed.p99_s is None or fixed.incomplete:
        return verdict(None) if fixed is None else verdict(False)
    return verdict(fixed.p99_s < P99_MAX_S)


def _start_row(figure: str, start: Start | None, limit_s: float | None) -> Row:
    target = f"≤ {limit_s:.0f} s" if limit_s else ""
    if start is None:
        return Row(figure, NOT_MEASURED, target, verdict(None) if target else "")
    ok = start.seconds is not None and limit_s is not None and start.seconds <= limit_s
    return Row(figure, start.measured(), target, verdict(ok) if target else "")


def rows(results: Results) -> list[Row]:
    """The table: load generator ceiling, per standard figures, memory and start-up times."""
    api_rates = [s.saturation.api_rate for s in results.standards if s.saturation and s.saturation.api_rate]
    ceiling = results.loadgen_ceiling
    table = [Row(f"load generator ceiling (trivial aiohttp server, {results.connections} connections)",
                 number(ceiling, "posts/s") if ceiling else NOT_MEASURED,
                 f"hub's API rate < {LOADGEN_SHARE_MAX:.0%} of it",
                 verdict(None if ceiling is None or not api_rates else max(api_rates) < LOADGEN_SHARE_MAX * ceiling))]
    for result in results.standards:
        table += standard_rows(result, results.rate, results.connections)
    table += [Row("worker RSS before load", megabytes(results.rss_before)),
              Row(f"worker RSS after load ({results.messages_sent:,} messages)", megabytes(results.rss_after))]
    for cases, rss in results.rss_cases:
        target = f"< {RSS_MAX_BYTES // (1024 * 1024)} MB after {RSS_CASES:,}" if cases >= RSS_CASES else ""
        table.append(Row(f"worker RSS after {cases:,} cases", megabytes(rss), target,
                         verdict(rss < RSS_MAX_BYTES) if target else ""))
    if not any(cases >= RSS_CASES for cases, _rss in results.rss_cases):
        most = max((cases for cases, _rss in results.rss_cases), default=0)
        table.append(Row(f"worker RSS after {RSS_CASES:,} cases", f"not run (ran up to {most:,} cases)",
                         f"< {RSS_MAX_BYTES // (1024 * 1024)} MB", verdict(None)))
    table += [_start_row("time to healthy: fresh `hub run` on the running broker, shipped directory",
                         results.fresh, FRESH_MAX_S),
              _start_row("time to healthy: restart after kill -9 of the worker, with its local state",
                         results.restart, RESTART_MAX_S),
              _start_row("time to healthy: fresh `hub run`, generated directory of all German municipalities",
                         results.nationwide, None)]
    if results.nationwide_check is not None:
        table.append(Row("`hub config check` of the generated directory", results.nationwide_check))
    return table
