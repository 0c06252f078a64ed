"""Alert rules and the Grafana dashboard as code: promtool accepts and tests the rules, every alert is tested firing
and quiet, and every metric a rule or a panel reads is one the hub exports."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitoring.kafka_state import KafkaStateCollector
from monitoring.lag import PartitionOffsets, TopicPartitionKey
from monitoring.metrics import COLLECTED, REGISTRY
from monitoring.worker_state import WorkerStateCollector
from tests.support.promql import exported_names, metric_names

MONITORING = Path(__file__).resolve().parents[3] / "monitoring"
RULES = MONITORING / "prometheus" / "alerts.yml"
RULE_TESTS = MONITORING / "prometheus" / "alerts.test.yml"
DASHBOARD = MONITORING / "grafana" / "hub-dashboard.json"
PROMETHEUS_OWN = {"up"}  # recorded by Prometheus for every scrape target


class _NoKafka:
    def log_offsets(self, topics: Sequence[str]) -> list[PartitionOffsets]:
        raise AssertionError("describing the families must not read Kafka")

    def committed(self, groups: Sequence[str]) -> dict[str, dict[TopicPartitionKey, int]]:
        raise AssertionError("describing the families must not read Kafka")


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: install the Debian package prometheus (`make install` does, as root)"
    return subprocess.run([promtool, *args], capture_output=True, text=True, check=False, timeout=600,
                          cwd=RULES.parent)


def _rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def _collected_families() -> list[Any]:
    """The families the hub's collectors yield, described without reading Kafka or any table."""
    return [*KafkaStateCollector(_NoKafka(), {}).describe(), *WorkerStateCollector().describe()]


def _exported() -> set[str]:
    return exported_names(REGISTRY.collect()) | exported_names(_collected_families())


def _panel_exprs() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]


def test_promtool_accepts_the_rules() -> None:
    result = _promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = _promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_tested_firing_and_quiet() -> None:
    cases: dict[str, list[bool]] = {}
    for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]:
        for case in test.get("alert_rule_test", []):
            cases.setdefault(case["alertname"], []).append(bool(case.get("exp_alerts")))
    alerts = {rule["alert"] for rule in _rules() if "alert" in rule}
    assert alerts == {"HubRecipientFailing", "HubDeadLettersGrowing", "HubConsumerLagHigh", "HubInboxMessageOverdue",
                      "HubNoMessagesProcessed", "HubKafkaUnreachable", "HubWorkerDown"}
    for alert in sorted(alerts):
        assert True in cases.get(alert, []), f"{alert}: no test where it fires"
        assert False in cases.get(alert, []), f"{alert}: no test where it stays quiet"


def test_the_collector_families_are_exactly_the_declared_ones() -> None:
    declared = {family.name for family in COLLECTED}
    assert {family.name for family in _collected_families()} == declared


def test_every_metric_a_rule_reads_is_exported() -> None:
    recorded = {rule["record"] for rule in _rules() if "record" in rule}
    known = _exported() | recorded | PROMETHEUS_OWN
    read = {rule.get("alert") or rule["record"]: metric_names(rule["expr"]) for rule in _rules()}
    unknown = {rule: names - known for rule, names in read.items() if names - known}
    assert not unknown, f"rules read metrics the hub does not export: {unknown}"
    assert {"hub_consumer_lag", "hub_kafka_up", "hub_inbox_oldest_waiting_seconds"} <= set().union(*read.values())


def test_every_metric_a_panel_reads_is_exported() -> None:
    recorded = {rule["record"] for rule in _rules() if "record" in rule}
    known = _exported() | recorded | PROMETHEUS_OWN
    exprs = _panel_exprs()
    assert all(metric_names(expr) for _title, expr in exprs), "a panel query that reads no metric"
    unknown = {title: metric_names(expr) - known for title, expr in exprs if metric_names(expr) - known}
    assert not unknown, f"panels read metrics the hub does not export: {unknown}"


def test_the_dashboard_shows_what_operators_ask() -> None:
    read = set().union(*(metric_names(expr) for _title, expr in _panel_exprs()))
    for needed in ("hub_messages_total",                      # flows per standard
                   "hub_end_to_end_seconds_bucket",           # latency percentiles
                   "hub_consumer_lag", "hub_retry_backlog",   # lag
                   "hub_deadletters_waiting",                 # dead letters
                   "hub_recipient_consecutive_failures", "hub_recipient_last_success_timestamp_seconds",
                   "hub_delivery_outcomes_total",             # recipient health
                   "hub_inbox_waiting", "hub_inbox_oldest_waiting_seconds"):  # inbox backlog
        assert needed in read, needed


@pytest.mark.parametrize(("expr", "names"), [
    ('sum by (standard) (rate(hub_messages_total{stage="routed"}[$__rate_interval])) * 60', {"hub_messages_total"}),
    ("a > b offset 30m and on() c:rec", {"a", "b", "c:rec"}),
    ("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))", {"x_bucket"}),
    ('time() - max without (instance) (y) > 1e3 unless vector(0) == bool 1', {"y"}),
    ('up{job="hub",instance=~"a(b)c"} == 0', {"up"}),
])
def test_metric_names_are_read_from_promql(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


def test_exported_names_follow_the_metric_types() -> None:
    names = exported_names(REGISTRY.collect())
    assert {"hub_messages_total", "hub_end_to_end_seconds_bucket", "hub_end_to_end_seconds_count",
            "hub_delivery_outcomes_total"} <= names
    assert "hub_messages" not in names and "hub_end_to_end_seconds" not in names
