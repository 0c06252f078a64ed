"""The production stack in docker/: docker-compose accepts the file (no engine needed), and what it describes holds
together — a 3-node KRaft cluster, two workers in one group, Prometheus with the rules, Grafana with the dashboard."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
DOCKER = ROOT / "docker"
KAFKA = ("kafka-1", "kafka-2", "kafka-3")
HUBS = ("hub-1", "hub-2")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The compose file as docker-compose resolves it (anchors merged, paths absolute)."""
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose not found: install the Debian package docker-compose (`make install` does)"
    shared = tmp_path_factory.mktemp("shared")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "COMPOSE_"))},
           "HUB_SHARED_DIR": str(shared)}
    result = subprocess.run([compose, "-f", str(DOCKER / "compose.yml"), "config"], capture_output=True, text=True,
                            check=False, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    resolved: dict[str, Any] = yaml.safe_load(result.stdout)
    resolved["_shared"] = str(shared)
    return resolved


def _env(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in service["environment"].items()}


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """container path -> host path (bind mounts) or volume name."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = (volume.split(":")[:2] if isinstance(volume, str) else (volume["source"], volume["target"]))
        mounts[target] = source
    return mounts


def test_three_kraft_nodes_replicate_every_record_three_times_and_need_two_in_sync(stack: dict[str, Any]) -> None:
    services = stack["services"]
    voters = set()
    for name in KAFKA:
        service = services[name]
        env = _env(service)
        assert service["image"].startswith("apache/kafka:4.")
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{service['hostname']}:9092"
        assert (env["KAFKA_DEFAULT_REPLICATION_FACTOR"], env["KAFKA_MIN_INSYNC_REPLICAS"]) == ("3", "2")
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
        assert _mounts(service)[env["KAFKA_LOG_DIRS"]] == name  # data survives a container's replacement
        voters.add(env["KAFKA_CONTROLLER_QUORUM_VOTERS"])
        assert f"{env['KAFKA_NODE_ID']}@{service['hostname']}:9093" in env["KAFKA_CONTROLLER_QUORUM_VOTERS"]
    assert len(voters) == 1 and len(voters.pop().split(",")) == 3
    assert len({_env(services[n])["KAFKA_NODE_ID"] for n in KAFKA}) == 3
    assert len({_env(services[n])["CLUSTER_ID"] for n in KAFKA}) == 1


def test_two_workers_share_one_consumer_group_on_the_whole_cluster(stack: dict[str, Any]) -> None:
    services = stack["services"]
    envs = [_env(services[name]) for name in HUBS]
    assert len({env["HUB_APP_ID"] for env in envs}) == 1
    assert {env["HUB_KAFKA_BOOTSTRAP"] for env in envs} == {"kafka-1:9092,kafka-2:9092,kafka-3:9092"}
    assert {env["HUB_REPLICATION_FACTOR"] for env in envs} == {"3"}
    ports = [env["HUB_HTTP_PORT"] for env in envs]
    assert len(set(ports)) == 2
    for name, env in zip(HUBS, envs, strict=True):
        service = services[name]
        assert env["HUB_HTTP_ADVERTISED_HOST"] == service["hostname"]
        assert [(str(p["published"]), str(p["target"])) for p in service["ports"]] == [(env["HUB_HTTP_PORT"],) * 2]
        assert _mounts(service)["/srv/shared"] == stack["_shared"]
        assert service["build"]["dockerfile"] == "docker/Dockerfile"
        assert {f"kafka-{i}" for i in (1, 2, 3)} <= set(service["depends_on"])


def test_prometheus_scrapes_both_workers_and_loads_the_hubs_rules(stack: dict[str, Any]) -> None:
    prometheus = stack["services"]["prometheus"]
    mounts = _mounts(prometheus)
    config_path = next(c for c in mounts if c.endswith("prometheus.yml"))
    config = yaml.safe_load(Path(mounts[config_path]).read_text())
    rules_in_container = [c for c, host in mounts.items() if host == str(ROOT / "monitoring/prometheus/alerts.yml")]
    assert rules_in_container and any(fnmatch(rules_in_container[0], glob) for glob in config["rule_files"])
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "hub"]
    targets = {t for static in job["static_configs"] for t in static["targets"]}
    services = stack["services"]
    assert targets == {f"{services[n]['hostname']}:{_env(services[n])['HUB_HTTP_PORT']}" for n in HUBS}


def test_promtool_accepts_the_prometheus_configuration() -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: install the Debian package prometheus (`make install` does, as root)"
    result = subprocess.run([promtool, "check", "config", str(DOCKER / "prometheus/prometheus.yml")],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_is_provisioned_with_the_hubs_dashboard_and_its_datasource(stack: dict[str, Any]) -> None:
    mounts = _mounts(stack["services"]["grafana"])
    provisioning = Path(mounts["/etc/grafana/provisioning"])
    assert provisioning == DOCKER / "grafana/provisioning"
    (provider,) = yaml.safe_load((provisioning / "dashboards/hub.yml").read_text())["providers"]
    assert mounts[provider["options"]["path"]] == str(ROOT / "monitoring/grafana")
    (datasource,) = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())["datasources"]
    assert datasource["url"] == "http://prometheus:9090"
    dashboard = json.loads((ROOT / "monitoring/grafana/hub-dashboard.json").read_text())
    assert {p["datasource"]["uid"] for p in dashboard["panels"]} == {datasource["uid"]}


def test_the_image_holds_every_package_the_project_installs() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]:
        name = package.rstrip("*")
        assert f"COPY {name} {name}" in dockerfile, name
    assert 'ENTRYPOINT ["hub"]' in dockerfile and 'CMD ["run"]' in dockerfile
