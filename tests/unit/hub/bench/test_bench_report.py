"""The benchmark's table: aligned columns, figures with units, targets beside them with their verdict."""

from __future__ import annotations

from hub.bench.passthrough import PassthroughFigures
from hub.bench.report import Results, StandardResult, Start, rows
from hub.bench.stats import PhaseFigures
from hub.bench.table import Row, duration, megabytes, number, render

MB = 1024 * 1024


def _phase(e2e: float | None, p99: float | None, *, accepted: int = 100, completed: int = 100) -> PhaseFigures:
    return PhaseFigures(sent=100, accepted=accepted, completed=completed, api_rate=500.0, end_to_end_rate=e2e,
                        p50_s=0.02, p99_s=p99)


def _row(table: list[Row], start: str) -> Row:
    return next(r for r in table if r.figure.startswith(start))


def test_render_aligns_every_column_under_the_header() -> None:
    text = render(["title"], [Row("a", "1 msg/s", "≥ 2", "met"), Row("longer figure", "22 msg/s")], ["a note"])
    lines = text.splitlines()
    assert lines[0] == "title"
    assert lines[2].startswith("figure") and lines[3].startswith("------")
    assert lines[4].index("|") == lines[5].index("|") == lines[2].index("|")
    assert lines[4].endswith("| met")
    assert lines[-1] == "* a note"


def test_figures_are_printed_with_units_and_a_dash_when_missing() -> None:
    assert number(2345.6, "msg/s") == "2,346 msg/s"
    assert number(0.01234, digits=4) == "0.0123"
    assert number(None, "msg/s") == "–"
    assert duration(0.0384) == "38 ms"
    assert duration(23.04) == "23.0 s"
    assert duration(None) == "–"
    assert megabytes(89 * MB) == "89 MB"


def _results(trade: StandardResult, *, rate: float = 100.0, cases: list[tuple[int, int]] | None = None) -> Results:
    return Results(title=["t"], connections=32, rate=rate, loadgen_ceiling=4000.0, standards=[trade],
                   rss_cases=cases or [], fresh=Start(8.0, 600.0), restart=Start(None, 600.0))


def test_trade_targets_are_judged_from_the_figures() -> None:
    fast = StandardResult("XGewerbeanzeige", (4,), saturation=_phase(2500.0, 0.5), fixed=_phase(100.0, 0.2),
                          passthrough=PassthroughFigures(20_000, 10_000.0, 100.0, 11_000.0))
    table = rows(_results(fast, cases=[(100_000, 250 * MB)]))
    assert _row(table, "XGewerbeanzeige: end to end").verdict == "met"
    assert "(4 recipients each)" in _row(table, "XGewerbeanzeige: end to end").figure
    assert _row(table, "XGewerbeanzeige: ratio").measured == "0.2500"
    assert _row(table, "XGewerbeanzeige: ratio").verdict == "met"
    assert _row(table, "XGewerbeanzeige: latency p50 / p99, 100 msg/s").verdict == "met"
    assert _row(table, "worker RSS after 100,000 cases").verdict == "met"
    assert _row(table, "time to healthy: fresh").verdict == "met"
    assert _row(table, "time to healthy: restart").verdict == "not met"
    assert _row(table, "time to healthy: restart").measured == "not healthy within 600 s"
    assert _row(table, "load generator ceiling").verdict == "met"  # 500 posts/s < half of 4,000


def test_slow_or_incomplete_figures_do_not_meet_their_targets() -> None:
    slow = StandardResult("XGewerbeanzeige", (4,), saturation=_phase(15.0, 20.0, completed=90),
                          fixed=_phase(15.0, 0.1, completed=99),
                          passthrough=PassthroughFigures(20_000, 8_000.0, 80.0, 11_000.0))
    table = rows(_results(slow, cases=[(3_000, 400 * MB)]))
    end_to_end = _row(table, "XGewerbeanzeige: end to end")
    assert end_to_end.verdict == "not met"
    assert "10 of 100 incomplete" in end_to_end.measured
    assert _row(table, "XGewerbeanzeige: latency p50 / p99, 100 msg/s").verdict == "not met"
    assert _row(table, "worker RSS after 3,000 cases").target == ""
    assert _row(table, "worker RSS after 100,000 cases").measured == "not run (ran up to 3,000 cases)"


def test_the_p99_target_applies_only_at_the_offered_load_it_names() -> None:
    trade = StandardResult("XGewerbeanzeige", (4,), fixed=_phase(50.0, 0.1))
    row = _row(rows(_results(trade, rate=50.0)), "XGewerbeanzeige: latency p50 / p99, 50 msg/s")
    assert row.verdict == "n/a (offered 50 msg/s)"


def test_other_standards_have_figures_without_targets() -> None:
    building = StandardResult("XBau", (2, 1, 1), saturation=_phase(40.0, 1.0))
    table = rows(_results(building))
    row = _row(table, "XBau: end to end")
    assert "(1–2 recipients each)" in row.figure
    assert (row.target, row.verdict) == ("", "")
    assert _row(table, "XBau: raw passthrough").measured == "not measured"
