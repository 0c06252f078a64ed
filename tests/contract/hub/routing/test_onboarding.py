"""Onboarding a municipality outside Kreis Bergstraße is a change of data only, checked through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from lxml import etree

from hub.settings import Settings
from tests.support.xpath import nodes

DREIEICH_DISTRICT = "06438"  # Kreis Offenbach
ONBOARDING = """
[[authority]]
key = "xga:06438000"
name = "Kreis Offenbach – Gewerbeaufsicht"
role = "gewerbeaufsicht"
serves = ["06438"]

[[authority]]
key = "ihk:06413000"
name = "IHK Offenbach am Main"
role = "ihk"
serves = ["06413", "06438"]

[[authority]]
key = "fin:2634"
name = "Finanzamt Offenbach-Land"
role = "finanzamt"
serves = ["06438"]
"""
RULE = """
[[rule]]
id = "gewerbeanzeige-kreis-offenbach"
standard = "XGewerbeanzeige"
kinds = ["anmeldung", "ummeldung", "abmeldung"]
scope = ["06438"]
recipients = ["gewerbeaufsicht", "kammer", "finanzamt", "statistik"]
"""


def _explain(routing_dir: Path, message: Path) -> tuple[int, dict[str, Any]]:
    env = {**os.environ, "HUB_ROUTING_DIR": str(routing_dir)}
    result = subprocess.run([sys.executable, "-m", "hub.cli", "route", "--explain", str(message), "--json"],
                            env=env, capture_output=True, check=False, timeout=120)
    return result.returncode, json.loads(result.stdout)[str(message)]


def _message_for(town_ags: str, reader: str, tmp_path: Path, settings: Settings) -> Path:
    sample = next((settings.shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml"))
    root = etree.parse(str(sample)).getroot()
    for code in nodes(root, "x:satz/*/x:gemeindeSchluessel/code"):
        code.text = town_ags
    praefix, kennung = reader.split(":")
    nodes(root, "x:nachrichtenkopf/x:leser//x:praefix/code")[0].text = praefix
    nodes(root, "x:nachrichtenkopf/x:leser//x:kennung/code")[0].text = kennung
    path = tmp_path / "anmeldung.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def test_a_new_district_is_onboarded_by_data_alone(tmp_path: Path) -> None:
    settings = Settings()
    routing_dir = tmp_path / "routing"
    shutil.copytree(settings.routing_dir, routing_dir)
    ags_file = next((settings.shared_dir / "xoev" / "codelists").glob("*schluessel_ags_*.xml"))
    town = next(str(v.findtext("SimpleValue")) for v in etree.parse(str(ags_file)).getroot().iter("Value")
                if (v.findtext("SimpleValue") or "").startswith(DREIEICH_DISTRICT))
    message = _message_for(town, "ihk:06413000", tmp_path, settings)

    code, before = _explain(routing_dir, message)
    assert code == 1 and before["parked"]["code"] == "routing.unknown_authority"

    with (routing_dir / "authorities.toml").open("a") as handle:
        handle.write(ONBOARDING)
    with (routing_dir / "rules.toml").open("a") as handle:
        handle.write(RULE)
    code, after = _explain(routing_dir, message)
    assert code == 0, after
    recipients = {r["authority"]: r for r in after["recipients"]}
    assert set(recipients) == {"ihk:06413000", "xga:06438000", "fin:2634", "xga:06000000"}
    assert recipients["xga:06438000"]["rule"] == "gewerbeanzeige-kreis-offenbach"
    assert not any(key.endswith("06431000") or key == "fin:2605" for key in recipients)  # no Bergstraße authority


def _run(routing_dir: Path, *command: str) -> tuple[int, str]:
    env = {**os.environ, "HUB_ROUTING_DIR": str(routing_dir)}
    result = subprocess.run([sys.executable, "-m", "hub.cli", *command], env=env, capture_output=True, text=True,
                            check=False, timeout=120)
    return result.returncode, result.stdout + result.stderr


def _with_rule(tmp_path: Path, rule: str) -> Path:
    routing_dir = tmp_path / "routing"
    shutil.copytree(Settings().routing_dir, routing_dir)
    with (routing_dir / "rules.toml").open("a") as handle:
        handle.write(rule)
    return routing_dir


def test_an_unknown_role_stops_config_check_and_run_with_file_rule_and_field(tmp_path: Path) -> None:
    routing_dir = _with_rule(tmp_path, RULE.replace('"finanzamt"', '"steuerberater"').replace('"06438"', '"06431"'))
    for command in (["config", "check"], ["run"]):
        code, output = _run(routing_dir, *command)
        assert code != 0, command
        assert f"{routing_dir / 'rules.toml'}: rule gewerbeanzeige-kreis-offenbach: field 'recipients': " \
               "unknown role 'steuerberater'" in output, output


def test_a_role_without_authority_in_scope_is_named_with_the_municipality(tmp_path: Path) -> None:
    code, output = _run(_with_rule(tmp_path, RULE), "config", "check")
    assert code == 1
    assert "rule gewerbeanzeige-kreis-offenbach: field 'recipients': role 'gewerbeaufsicht' resolves to no " \
           "authority for" in output and "(06438" in output


def test_a_valid_configuration_reports_what_it_loaded(tmp_path: Path) -> None:
    code, output = _run(Settings().routing_dir, "config", "check")
    assert code == 0, output
    assert "Version 2026-06-30" in output and "Konfiguration gültig." in output


def test_config_check_lists_the_keys_the_operator_must_confirm(tmp_path: Path) -> None:
    code, output = _run(Settings().routing_dir, "config", "check")
    assert code == 0, output
    listed = output.split("Zu bestätigen:", 1)[1]
    for key in ("ihk:06411000", "hwk:06412000", "fin:2605", "xga:06000000", "xga:06431000"):
        assert f"  {key} " in listed, key
    for confirmed in ("azr:031300", "MELDID:06431002"):
        assert confirmed not in listed, confirmed
