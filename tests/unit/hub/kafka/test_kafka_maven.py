"""POM rendering and the jar cache: resolution runs mvn once, and a half-finished download is redone."""

from __future__ import annotations

import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hub.kafka.errors import InvalidLauncherSetting, ResolutionFailed, ToolMissing
from hub.kafka.maven import LOG4J_VERSION, JarCache, render_pom, resolve_jars, validate_kafka_version

_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def _dependencies(pom: str) -> set[tuple[str, str, str]]:
    root = ET.fromstring(pom)  # noqa: S314 - our own generated text
    return {
        (
            dep.findtext("m:groupId", namespaces=_NS) or "",
            dep.findtext("m:artifactId", namespaces=_NS) or "",
            dep.findtext("m:version", namespaces=_NS) or "",
        )
        for dep in root.iterfind("m:dependencies/m:dependency", _NS)
    }


def test_pom_pins_kafka_and_log4j2_backend() -> None:
    deps = _dependencies(render_pom("4.1.1"))

    assert ("org.apache.kafka", "kafka_2.13", "4.1.1") in deps
    for artifact in ("log4j-api", "log4j-core", "log4j-slf4j2-impl"):
        assert ("org.apache.logging.log4j", artifact, LOG4J_VERSION) in deps
    assert any(group == "org.slf4j" and version.startswith("2.") for group, _, version in deps)


@pytest.mark.parametrize("version", ["4.1.1", "4.0.0", "4.2.0-rc1"])
def test_accepts_kafka_4_versions(version: str) -> None:
    assert validate_kafka_version(version) == version


@pytest.mark.parametrize("version", ["3.9.0", "latest", "4.1", "4.1.1</version><x>"])
def test_rejects_other_versions(version: str) -> None:
    with pytest.raises(InvalidLauncherSetting):
        render_pom(version)


def _fake_mvn(tmp_path: Path, body: str) -> Path:
    """A shell script standing in for mvn; it logs each call to calls.txt."""
    script = tmp_path / "bin" / "mvn"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\necho call >> "{tmp_path}/calls.txt"\n{body}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


_COPY_JARS = """
for arg in "$@"; do
  case "$arg" in -DoutputDirectory=*) out="${arg#-DoutputDirectory=}";; esac
done
mkdir -p "$out" && touch "$out/kafka_2.13-4.1.1.jar" "$out/log4j-core-2.24.3.jar"
"""


def _calls(tmp_path: Path) -> int:
    calls = tmp_path / "calls.txt"
    return len(calls.read_text().splitlines()) if calls.exists() else 0


def test_resolves_once_then_uses_cache(tmp_path: Path) -> None:
    mvn = _fake_mvn(tmp_path, _COPY_JARS)
    cache = JarCache.for_version(tmp_path / "cache", "4.1.1")
    lines: list[str] = []

    lib = resolve_jars(cache, find_mvn=lambda: mvn, progress=lines.append)

    assert lib == tmp_path / "cache" / "kafka" / "4.1.1" / "lib"
    assert (lib / "kafka_2.13-4.1.1.jar").is_file()
    assert cache.is_complete()
    assert "Resolving Apache Kafka 4.1.1 from Maven Central …" in lines
    assert "kafka_2.13" in cache.pom.read_text()

    def no_mvn() -> Path:
        raise AssertionError("mvn must not be needed for a cached version")

    assert resolve_jars(cache, find_mvn=no_mvn) == lib
    assert _calls(tmp_path) == 1


def test_half_finished_download_is_redone(tmp_path: Path) -> None:
    cache = JarCache.for_version(tmp_path / "cache", "4.1.1")
    cache.lib.mkdir(parents=True)
    (cache.lib / "partial.jar.part").write_text("x")  # no marker: an interrupted run

    resolve_jars(cache, find_mvn=lambda: _fake_mvn(tmp_path, _COPY_JARS))

    assert _calls(tmp_path) == 1
    assert not (cache.lib / "partial.jar.part").exists()
    assert cache.marker.read_text().split() == ["kafka_2.13-4.1.1.jar", "log4j-core-2.24.3.jar"]


def test_mvn_failure_is_reported_with_output(tmp_path: Path) -> None:
    mvn = _fake_mvn(tmp_path, 'echo "[ERROR] Could not transfer artifact org.apache.kafka:kafka_2.13"; exit 1')
    cache = JarCache.for_version(tmp_path / "cache", "4.1.1")

    with pytest.raises(ResolutionFailed, match="exit code 1") as info:
        resolve_jars(cache, find_mvn=lambda: mvn)

    assert "Could not transfer artifact" in str(info.value)
    assert not cache.is_complete()


def test_missing_mvn_only_matters_without_cache(tmp_path: Path) -> None:
    cache = JarCache.for_version(tmp_path / "cache", "4.1.1")

    def missing() -> Path:
        raise ToolMissing("mvn not found on PATH")

    with pytest.raises(ToolMissing):
        resolve_jars(cache, find_mvn=missing)
