"""`hub bench` options: presets, explicit sizes, skipped phases and refused values reach the run as meant."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import hub.bench.run
from hub.bench.options import QUICK, STANDARDS, BenchOptions, standard_name
from hub.bench.report import Results
from hub.cli.main import cli
from hub.settings import Settings


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[BenchOptions]:
    seen: list[BenchOptions] = []

    async def fake_run(options: BenchOptions, settings: Settings, progress: object) -> Results:
        seen.append(options)
        return Results(title=["fake run"], connections=options.connections, rate=options.rate)

    monkeypatch.setattr(hub.bench.run, "run_bench", fake_run)
    return seen


def test_standards_are_named_as_the_hub_names_them_or_by_domain() -> None:
    assert standard_name("xbau") == "XBau"
    assert standard_name("trade") == "XGewerbeanzeige"
    assert standard_name("Registration") == "XMeld"
    with pytest.raises(ValueError, match="unknown standard"):
        standard_name("XPersonenstand")


def test_defaults_measure_the_targets(captured: list[BenchOptions]) -> None:
    result = CliRunner().invoke(cli, ["bench"])
    assert result.exit_code == 0, result.output
    [options] = captured
    assert options == BenchOptions()
    assert (options.standards, options.rate, options.cases) == (STANDARDS, 100.0, (10_000, 100_000))
    assert "fake run" in result.output and "figure" in result.output


def test_quick_scales_down_and_explicit_options_win(captured: list[BenchOptions]) -> None:
    result = CliRunner().invoke(cli, ["bench", "--quick", "--messages", "70", "--standard", "trade",
                                      "--standard", "XMeld", "--cases", "2000,1000", "--skip-nationwide",
                                      "--skip-fixed-rate", "--drain-timeout", "30"])
    assert result.exit_code == 0, result.output
    [options] = captured
    assert options.messages == 70
    assert options.passthrough_messages == QUICK["passthrough_messages"]
    assert options.standards == ("XGewerbeanzeige", "XMeld")
    assert options.cases == (1000, 2000)
    assert options.skip_nationwide and options.skip_fixed_rate and not options.skip_restart
    assert options.drain_timeout_s == 30.0


@pytest.mark.parametrize("arguments", [["--messages", "0"], ["--rate", "-5"], ["--cases", "10k"],
                                       ["--standard", "XFoo"]])
def test_nonsense_is_refused_before_anything_starts(captured: list[BenchOptions], arguments: list[str]) -> None:
    result = CliRunner().invoke(cli, ["bench", *arguments])
    assert result.exit_code == 2, result.output
    assert not captured
