"""`hub route --explain --json` on every shared sample gives the recipients recorded in tests/golden/route/.

After a deliberate change of routing data, regenerate with HUB_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.cli.main import cli
from hub.settings import Settings

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "route"
SAMPLES = sorted((Settings().shared_dir / "samples").glob("*/*.xml"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_explain_matches_the_golden_file(sample: Path) -> None:
    result = CliRunner().invoke(cli, ["route", "--explain", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    account = json.loads(result.output)[str(sample)]
    golden = GOLDEN / sample.parent.name / f"{sample.stem}.json"
    if os.environ.get("HUB_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(account, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with HUB_UPDATE_GOLDEN=1 and review it"
    assert account == json.loads(golden.read_text(encoding="utf-8"))


def test_every_sample_has_a_golden_file_and_no_golden_file_is_orphaned() -> None:
    expected = {f"{p.parent.name}/{p.stem}.json" for p in SAMPLES}
    present = {f"{p.parent.name}/{p.name}" for p in GOLDEN.glob("*/*.json")}
    assert SAMPLES and present == expected
