"""OS-level helpers for the broker process: spawn, pid files, liveness, termination, readiness probe.

The broker is spawned with posix_spawn instead of subprocess.Popen: a detached broker must outlive the launcher
(the CLI exits right away), and an abandoned Popen object warns "subprocess is still running".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_POLL_S = 0.1


def spawn(argv: Sequence[str], *, env: Mapping[str, str], output: Path, detach: bool) -> int:
    """Starts argv[0] (an absolute path) with stdin from /dev/null and stdout+stderr appended to `output`, and
    returns its pid without waiting.

    detach=True puts it in a new session, so it outlives the caller and ignores the caller's Ctrl+C. detach=False
    keeps it in the caller's process group (Ctrl+C or `timeout` reach it) and, where util-linux `setpriv` exists,
    asks the kernel to SIGTERM it when the calling thread dies, so a killed test run leaves no broker behind.
    """
    command = list(argv)
    setpriv = None if detach else shutil.which("setpriv", path=env.get("PATH", os.defpath))
    if setpriv is not None:
        command = [setpriv, "--pdeathsig", "TERM", *command]
    file_actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(output), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    return os.posix_spawn(command[0], command, dict(env), file_actions=file_actions, setsid=detach)


def read_pid(pid_file: Path) -> int | None:
    """The pid recorded in `pid_file`, or None when there is no file or it holds garbage."""
    try:
        text = pid_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def write_pid(pid_file: Path, pid: int) -> None:
    """Records `pid` atomically, so a reader never sees a half-written file."""
    tmp = pid_file.with_name(pid_file.name + ".tmp")
    tmp.write_text(f"{pid}\n", encoding="ascii")
    tmp.replace(pid_file)


def _reap(pid: int) -> bool:
    """Collects `pid` if it is our exited child (else it stays a zombie); True if it was reaped."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child: its parent (or init) reaps it
        return False
    return done == pid


def is_alive(pid: int) -> bool:
    """True while `pid` is a running (not zombie) process."""
    if _reap(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no procfs (macOS): signal 0 is all we can know
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def command_line(pid: int) -> list[str] | None:
    """The argv of `pid` from procfs, or None where procfs is unavailable or the process is gone."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def is_broker_process(pid: int, server_properties: Path) -> bool:
    """True when `pid` is alive and is `kafka.Kafka <server_properties>`, so a recycled pid is not mistaken
    for our broker. Without procfs only liveness is checked."""
    if not is_alive(pid):
        return False
    argv = command_line(pid)
    if argv is None:
        return True
    return "kafka.Kafka" in argv and str(server_properties) in argv


def wait_exit(pid: int, timeout_s: float) -> bool:
    """Waits up to `timeout_s` for `pid` to end; True when it did."""
    deadline = time.monotonic() + timeout_s
    while is_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_S)
    return True


def terminate(pid: int, *, timeout_s: float, kill_timeout_s: float = 10.0) -> bool:
    """SIGTERM (Kafka's controlled shutdown), SIGKILL after `timeout_s`; True once the process is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if wait_exit(pid, timeout_s):
        return True
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return wait_exit(pid, kill_timeout_s)


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def _admin_client_class() -> Any:
    # kafka-python 3 reads its protocol schemas with importlib.resources.read_text at import time, which warns
    # DeprecationWarning on Python 3.11; that must not break callers running with warnings as errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from kafka.admin import KafkaAdminClient
    return KafkaAdminClient


def broker_answers(host: str, port: int, timeout_s: float = 5.0) -> bool:
    """True when a Kafka broker on host:port answers a metadata request (kafka-python's list_topics).

    A closed port is detected first with a plain connect, which keeps kafka-python from logging retries.
    """
    if not port_open(host, port):
        return False
    timeout_ms = max(int(timeout_s * 1000), 1000)
    try:
        admin = _admin_client_class()(
            bootstrap_servers=f"{host}:{port}",
            client_id="hub-kafka-launcher",
            bootstrap_timeout_ms=timeout_ms,
            request_timeout_ms=timeout_ms,
        )
    except Exception:  # any failure to bootstrap means "does not answer (yet)"
        return False
    try:
        admin.list_topics()
    except Exception:
        return False
    finally:
        admin.close()
    return True


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a text file, or "" when it does not exist."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
