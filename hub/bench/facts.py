"""The machine and the code a run measured, printed above the table: absolute figures depend on both."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from hub.settings import REPO_ROOT


def _cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory(meminfo: Path = Path("/proc/meminfo")) -> str:
    try:
        for line in meminfo.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / (1024 * 1024):.1f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _commit() -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO_ROOT), "log", "-1", "--format=%h %cs %s"],
                              capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown commit"
    return done.stdout.strip()[:90] if done.returncode == 0 and done.stdout.strip() else "unknown commit"


def load_average() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def machine_facts(broker: str, sizes: str, tool: str = "hub bench") -> list[str]:
    """Title lines: the tool and date, cores, CPU, memory, Python, code commit, broker, the run's sizes and the
    load."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"{tool} — {now}",
        f"machine: {os.cpu_count()} cores, {_cpu_model()}, {_memory()}, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}; code {_commit()}",
        f"broker: {broker}",
        f"run: {sizes}",
        f"load average at start: {load_average()}",
    ]
