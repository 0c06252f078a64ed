"""java/mvn discovery: a missing or too old tool fails with a message naming it and how to install it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hub.kafka.errors import ToolMissing, ToolTooOld
from hub.kafka.tools import find_java, find_mvn, java_major_version, require_java


def _fake_java(bin_dir: Path, version_line: str) -> Path:
    """A script that answers `java -version` like a JDK does (on stderr)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n", encoding="utf-8")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return java


def test_missing_java_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ToolMissing) as info:
        find_java({"PATH": str(tmp_path)}, "4.1.1")

    assert str(info.value) == (
        "java not found on PATH: Apache Kafka 4.x needs Java 17 or newer (apt-get install openjdk-17-jre-headless)"
    )


def test_missing_mvn_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ToolMissing, match=r"^mvn not found on PATH: .*\(apt-get install maven\)$"):
        find_mvn({"PATH": str(tmp_path)})


@pytest.mark.parametrize(
    ("line", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_402"', 8),
        ('openjdk version "11.0.22" 2024-01-16', 11),
    ],
)
def test_java_major_version(tmp_path: Path, line: str, major: int) -> None:
    assert java_major_version(_fake_java(tmp_path, line)) == major


def test_old_java_is_rejected(tmp_path: Path) -> None:
    _fake_java(tmp_path / "bin", 'openjdk version "11.0.22" 2024-01-16')

    with pytest.raises(ToolTooOld, match=r"is Java 11, too old: Apache Kafka 4\.x needs Java 17 or newer"):
        require_java({"PATH": str(tmp_path / "bin")}, "4.1.1")


def test_java_home_wins_over_path(tmp_path: Path) -> None:
    on_path = _fake_java(tmp_path / "path-bin", 'openjdk version "17.0.1"')
    home = tmp_path / "jdk21"
    in_home = _fake_java(home / "bin", 'openjdk version "21.0.2"')

    assert find_java({"PATH": str(on_path.parent), "JAVA_HOME": str(home)}, "4.1.1") == in_home
    assert find_java({"PATH": str(on_path.parent), "JAVA_HOME": str(tmp_path / "none")}, "4.1.1") == on_path
    assert require_java({"PATH": "", "JAVA_HOME": str(home)}, "4.1.1") == in_home
