"""Finds the external programs the launcher needs (java, mvn) and checks that they are usable.

Every lookup takes the environment as a mapping, so tests (and callers) can inject a PATH without the tools.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from hub.kafka.errors import KafkaLauncherError, ToolMissing, ToolTooOld

JAVA_MIN_MAJOR = 17
JAVA_INSTALL_HINT = "apt-get install openjdk-17-jre-headless"
MVN_INSTALL_HINT = "apt-get install maven"

_JAVA_VERSION = re.compile(r'version "(?P<major>[0-9]+)(?:\.(?P<minor>[0-9]+))?')


def _java_requirement(kafka_version: str) -> str:
    major = kafka_version.split(".", 1)[0]
    return f"Apache Kafka {major}.x needs Java {JAVA_MIN_MAJOR} or newer ({JAVA_INSTALL_HINT})"


def find_java(env: Mapping[str, str], kafka_version: str) -> Path:
    """The java executable: $JAVA_HOME/bin/java when that exists (as Kafka's own scripts do), else PATH.

    Raises ToolMissing naming the missing program and the package that provides it.
    """
    java_home = env.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file():
            return candidate
    found = shutil.which("java", path=env.get("PATH", ""))
    if found is None:
        raise ToolMissing(f"java not found on PATH: {_java_requirement(kafka_version)}")
    return Path(found)


def java_major_version(java: Path) -> int:
    """The feature release of `java` (8 for "1.8.0_402", 17 for "17.0.15"), parsed from `java -version`."""
    try:
        result = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KafkaLauncherError(f"could not run {java} -version: {exc}") from exc
    match = _JAVA_VERSION.search(result.stderr + result.stdout)
    if result.returncode != 0 or match is None:
        raise KafkaLauncherError(
            f"{java} -version failed (exit code {result.returncode}); cannot tell which Java this is"
        )
    major = int(match["major"])
    if major == 1 and match["minor"] is not None:  # Java 8 and older report "1.8"
        major = int(match["minor"])
    return major


def require_java(env: Mapping[str, str], kafka_version: str) -> Path:
    """A java of at least version 17, or ToolMissing / ToolTooOld saying what to install."""
    java = find_java(env, kafka_version)
    major = java_major_version(java)
    if major < JAVA_MIN_MAJOR:
        raise ToolTooOld(f"{java} is Java {major}, too old: {_java_requirement(kafka_version)}")
    return java


def find_mvn(env: Mapping[str, str]) -> Path:
    """The mvn executable on PATH; only needed while the Kafka jars are not cached yet."""
    found = shutil.which("mvn", path=env.get("PATH", ""))
    if found is None:
        raise ToolMissing(
            "mvn not found on PATH: Apache Maven resolves the Kafka jars from Maven Central "
            f"on first use ({MVN_INSTALL_HINT})"
        )
    return Path(found)
