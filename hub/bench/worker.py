"""A `hub run` worker process for the benchmark and the fault suite: its isolated deployment, start, health,
memory and kill.

Each deployment has its own uuid topic prefix and app id (consumer group), data directory, HTTP port and tokens
file, so it shares the broker with nothing else. The worker runs in its own process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from hub.bench.errors import BenchError
from topics.catalogue import Catalogue

_POLL_S = 0.1
_STOP_TIMEOUT_S = 30.0


@contextlib.contextmanager
def work_dir(chosen: Path | None, prefix: str) -> Iterator[Path]:
    """The folder a run keeps its broker data, logs and generated files in: `chosen` (kept), or a temporary one."""
    if chosen is not None:
        chosen.mkdir(parents=True, exist_ok=True)
        yield chosen
        return
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as name:
        yield Path(name)


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports on 127.0.0.1 that are free right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass(frozen=True)
class Deployment:
    """One isolated hub deployment on the benchmark's broker."""

    bootstrap: str
    run_id: str
    data_dir: Path
    port: int
    routing_dir: Path | None = None
    label: str = "bench"  # names the run's topics and group: which tool made them
    settings: tuple[tuple[str, str], ...] = ()  # further HUB_* settings of its `hub run`

    @classmethod
    def new(cls, bootstrap: str, parent: Path, routing_dir: Path | None = None, *, label: str = "bench",
            settings: tuple[tuple[str, str], ...] = ()) -> Deployment:
        run_id = uuid.uuid4().hex[:12]
        data_dir = parent / f"hub-{run_id}"
        data_dir.mkdir(parents=True)
        return cls(bootstrap, run_id, data_dir, free_ports(1)[0], routing_dir, label, settings)

    @property
    def topic_prefix(self) -> str:
        return f"{self.label}-{self.run_id}."

    @property
    def app_id(self) -> str:
        return f"hub-{self.label}-{self.run_id}"

    @property
    def tokens_file(self) -> Path:
        return self.data_dir / "tokens.toml"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def catalogue(self) -> Catalogue:
        return Catalogue(prefix=self.topic_prefix, app_id=self.app_id)

    def env(self) -> dict[str, str]:
        """The environment of its `hub run`: the caller's, with this deployment's HUB_* settings."""
        return {
            **os.environ,
            **({"HUB_ROUTING_DIR": str(self.routing_dir)} if self.routing_dir else {}),
            "HUB_KAFKA_BOOTSTRAP": self.bootstrap,
            "HUB_TOPIC_PREFIX": self.topic_prefix,
            "HUB_APP_ID": self.app_id,
            "HUB_HTTP_PORT": str(self.port),
            "HUB_DATA_DIR": str(self.data_dir),
            "HUB_TOKENS_FILE": str(self.tokens_file),
            **dict(self.settings),
        }


def vm_rss_bytes(status: str) -> int | None:
    """VmRSS of a /proc/<pid>/status text in bytes, or None when it has none (a kernel thread, a zombie)."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            value, unit = line.split()[1:3]
            if unit != "kB":
                raise ValueError(f"VmRSS in unexpected unit {unit!r}")
            return int(value) * 1024
    return None


def descendants(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """`pid` and every process below it, from the parent pids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            parent = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def tree_rss_bytes(pid: int, proc: Path = Path("/proc")) -> int:
    """Resident memory of `pid` and its children: the sum of their VmRSS."""
    total = 0
    for member in descendants(pid, proc):
        with contextlib.suppress(OSError):
            total += vm_rss_bytes((proc / str(member) / "status").read_text(encoding="ascii")) or 0
    return total


class Worker:
    """One `hub run` process of a deployment, logging to a file in its data directory."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.log_path = deployment.data_dir / f"hub-{time.monotonic_ns()}.log"
        self.started_at = time.monotonic()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "hub.cli", "run"], env=deployment.env(),
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    async def healthy_after(self, timeout_s: float) -> float | None:
        """Seconds from the start of the process until /healthz answered 200, or None if not within `timeout_s`.

        Raises BenchError when the process exits meanwhile.
        """
        healthy_at = await self.healthy_by(self.started_at + timeout_s)
        return healthy_at - self.started_at if healthy_at is not None else None

    async def healthy_by(self, deadline: float) -> float | None:
        """The monotonic time at which /healthz answered 200, or None if not by `deadline`; raises BenchError when
        the process exits meanwhile."""
        url = f"{self.deployment.base_url}/healthz"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise BenchError("hub run", f"exited with {self.process.returncode}:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(url) as response:
                        if response.status == 200:
                            return time.monotonic()
                await asyncio.sleep(_POLL_S)  # poll interval of the health check
        return None

    def rss_bytes(self) -> int:
        return tree_rss_bytes(self.pid)

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would, and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM the process group, as Ctrl+C would; SIGKILL if it does not end in time."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
