"""Builds the JVM command line (what kafka-run-class.sh boils down to) and runs the KRaft StorageTool."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hub.kafka.errors import StorageFormatFailed

STORAGE_TOOL_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Jvm:
    """`java <heap> <opts> -cp "<lib>/*"`, shared by the StorageTool and the broker so both use one Kafka."""

    java: Path
    heap: str
    classpath: str
    log4j_config: Path
    data_dir: Path

    def command(self, main_class: str, *args: str) -> list[str]:
        return [
            str(self.java),
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            f"-XX:ErrorFile={self.data_dir / 'hs_err_pid%p.log'}",  # crash dumps stay in the data dir
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.log4j_config}",
            f"-Dkafka.logs.dir={self.data_dir}",
            "-cp",
            self.classpath,
            main_class,
            *args,
        ]


def run_storage_tool(jvm: Jvm, *args: str, env: Mapping[str, str]) -> str:
    """Runs `kafka.tools.StorageTool <args>` and returns its stdout; StorageFormatFailed on failure."""
    try:
        result = subprocess.run(
            jvm.command("kafka.tools.StorageTool", *args),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=STORAGE_TOOL_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StorageFormatFailed(f"kafka-storage {args[0]} could not run: {exc}") from exc
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
        raise StorageFormatFailed(f"kafka-storage {args[0]} failed (exit code {result.returncode}):\n{output}")
    return result.stdout.strip()


def is_formatted(log_dir: Path) -> bool:
    """KRaft storage is formatted once meta.properties exists; formatting again would fail or lose data."""
    return (log_dir / "meta.properties").is_file()


def format_storage(
    jvm: Jvm,
    *,
    log_dir: Path,
    server_properties: Path,
    env: Mapping[str, str],
    progress: Callable[[str], None],
) -> None:
    """Formats `log_dir` with a new cluster id as a single-voter dynamic quorum, unless already formatted."""
    if is_formatted(log_dir):
        progress("KRaft storage already formatted")
        return
    progress("Formatting KRaft storage …")
    output = run_storage_tool(jvm, "random-uuid", env=env)
    cluster_id = output.splitlines()[-1].strip() if output else ""
    if not cluster_id:
        raise StorageFormatFailed("kafka-storage random-uuid printed no cluster id")
    run_storage_tool(jvm, "format", "-t", cluster_id, "-c", str(server_properties), "--standalone", env=env)
