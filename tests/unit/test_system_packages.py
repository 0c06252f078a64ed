"""scripts/system-packages.sh: apt-get only for what is missing, only as root, and nothing at all when all is there."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-packages.sh"
COMMANDS = {"prometheus": "promtool", "docker-compose": "docker-compose", "chromium": "chromium", "strace": "strace"}


def _fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _run(tmp_path: Path, *, uid: int, present: set[str]) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the script with a PATH holding only fakes: `id`, a recording `apt-get`, and the `present` commands."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    _fake(bin_dir, "id", f"echo {uid}")
    _fake(bin_dir, "apt-get", f'echo "$DEBIAN_FRONTEND $*" >> {calls}')
    for command in present:
        _fake(bin_dir, command, "true")
    result = subprocess.run(["/bin/bash", str(SCRIPT)], env={"PATH": str(bin_dir)}, capture_output=True, text=True,
                            check=False, timeout=60)
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_nothing_is_installed_when_everything_is_present(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, uid=0, present=set(COMMANDS.values()))
    assert (result.returncode, result.stdout, result.stderr, calls) == (0, "", "", [])


def test_as_root_only_the_missing_packages_are_installed_non_interactively(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, uid=0, present={"docker-compose", "strace"})
    assert result.returncode == 0, result.stderr
    assert calls == ["noninteractive update -qq",
                     "noninteractive install -y -qq --no-install-recommends prometheus chromium"]


def test_without_root_it_names_the_packages_and_installs_nothing(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, uid=1000, present={"promtool", "strace"})
    assert result.returncode == 0 and calls == []
    assert "apt-get install docker-compose chromium" in result.stderr
