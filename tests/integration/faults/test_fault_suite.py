"""The fault suite's small version (`hub faults --small`): 200 trade notifications over HTTP while the worker is
killed with -9 once, the broker is stopped and started once and the webhook recipient is down for 10 s. Nothing
accepted may be lost, no served recipient may be given a message twice, and every timeline must hold each step once.

It runs on a broker of its own, since it stops and starts it; with HUB_KAFKA_BOOTSTRAP it uses that cluster and
leaves out the broker restart.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from hub.faults.options import SMALL, FaultOptions
from hub.faults.report import table
from hub.faults.run import run_faults
from hub.faults.schedule import Fault
from hub.settings import Settings

pytestmark = pytest.mark.integration


@pytest.mark.timeout(900)
def test_the_small_fault_run_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    options = replace(FaultOptions(), **SMALL, work_dir=tmp_path / "faults").validated()
    lines: list[str] = []
    result = asyncio.run(run_faults(options, Settings(), lines.append))
    printed = table(result)
    struck = [e.what for e in result.events]
    assert struck.count(Fault.KILL.value) == 1, printed
    assert struck.count(Fault.BROKER.value) == (0 if Settings().kafka_bootstrap else 1), printed
    assert Fault.WEBHOOK_UP.value in struck, printed
    assert result.verdict.accepted == 200, printed
    # a trade notification goes to the trade supervision, the chamber, the Finanzamt and the statistics office
    assert result.verdict.expected == 4 * 200, printed
    assert result.ok, printed + "\nprogress:\n" + "\n".join(lines[-40:])
