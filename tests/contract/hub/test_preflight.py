"""`hub config check` and `hub run` judge a configuration alike: same checks, same message, before any broker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hub.settings import Settings

WEBHOOK = '{ channel = "webhook", url = "https://gewerbeaufsicht.example/xoev", secret = "gewerbeaufsicht" }'


def _routing_with(tmp_path: Path, key: str, delivery: str) -> Path:
    """A copy of the hub's routing data in which authority `key` has the delivery channel `delivery`."""
    routing_dir = tmp_path / "routing"
    shutil.copytree(Settings().routing_dir, routing_dir)
    path = routing_dir / "authorities.toml"
    text = path.read_text()
    start = text.index(f'key = "{key}"\n')
    line_end = text.index("\n", text.index("serves = ", start))
    path.write_text(text[:line_end + 1] + f"delivery = {delivery}\n" + text[line_end + 1:])
    return routing_dir


def _hub(tmp_path: Path, env: dict[str, str], *command: str) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    # a bootstrap nothing listens on: if a check were skipped, `hub run` would go on and fail on Kafka instead
    full = {**base, "HUB_DATA_DIR": str(tmp_path / "var"), "HUB_KAFKA_BOOTSTRAP": "127.0.0.1:1", **env}
    result = subprocess.run([sys.executable, "-m", "hub.cli", *command], env=full, capture_output=True, text=True,
                            check=False, timeout=120)
    return result.returncode, result.stderr.strip()


def _both_refuse(tmp_path: Path, env: dict[str, str]) -> str:
    check_code, check_error = _hub(tmp_path, env, "config", "check")
    run_code, run_error = _hub(tmp_path, env, "run")
    assert (check_code, run_code) == (1, 1), (check_error, run_error)
    assert check_error.startswith("Error: Konfiguration ungültig: "), check_error
    assert run_error == check_error
    return check_error


def test_a_webhook_without_secrets_file_fails_check_and_run_alike(tmp_path: Path) -> None:
    routing_dir = _routing_with(tmp_path, "xga:06431000", WEBHOOK)
    error = _both_refuse(tmp_path, {"HUB_ROUTING_DIR": str(routing_dir)})
    assert error == ("Error: Konfiguration ungültig: <secrets>: authority xga:06431000: has a webhook but "
                     "HUB_SECRETS_FILE is unset")


def test_a_webhook_whose_secret_is_missing_from_the_file_fails_alike(tmp_path: Path) -> None:
    routing_dir = _routing_with(tmp_path, "xga:06431000", WEBHOOK)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[webhook_secrets]\nandere = "' + "x" * 40 + '"\n')
    error = _both_refuse(tmp_path, {"HUB_ROUTING_DIR": str(routing_dir), "HUB_SECRETS_FILE": str(secrets)})
    assert error.endswith(f"{secrets}: webhook_secrets.gewerbeaufsicht: missing")
    assert "x" * 40 not in error


def test_a_folder_channel_that_cannot_be_written_fails_alike(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    routing_dir = _routing_with(tmp_path, "fin:2605", f'{{ channel = "folder", path = "{blocker / "eingang"}" }}')
    error = _both_refuse(tmp_path, {"HUB_ROUTING_DIR": str(routing_dir)})
    assert error.endswith(f"authority fin:2605: folder channel {blocker / 'eingang'} does not exist and cannot be "
                          f"created in {blocker}")


def test_a_broken_tokens_file_fails_alike(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.toml"
    tokens.write_text('[[token]]\nsystem = "Gewerbeamt"\nsha256 = "kurz"\n')
    error = _both_refuse(tmp_path, {"HUB_TOKENS_FILE": str(tokens)})
    assert error.startswith(f"Error: Konfiguration ungültig: {tokens}: token[0]: field 'sha256'")


def test_incomplete_kafka_security_settings_fail_alike(tmp_path: Path) -> None:
    error = _both_refuse(tmp_path, {"HUB_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "HUB_KAFKA_SASL_USERNAME": "hub"})
    assert error.endswith("HUB_KAFKA_SASL_PASSWORD is unset, but HUB_KAFKA_SECURITY_PROTOCOL is SASL_SSL")


@pytest.mark.parametrize(("channel", "shown"), [(WEBHOOK, "1 webhook"), ('{ channel = "folder", path = "eingang" }',
                                                                         "1 folder")])
def test_config_check_accepts_what_run_would_start_with(tmp_path: Path, channel: str, shown: str) -> None:
    routing_dir = _routing_with(tmp_path, "xga:06431000", channel)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[webhook_secrets]\ngewerbeaufsicht = "' + "s" * 40 + '"\n')
    env = {"HUB_ROUTING_DIR": str(routing_dir), "HUB_SECRETS_FILE": str(secrets)}
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    result = subprocess.run([sys.executable, "-m", "hub.cli", "config", "check"], env={**base, **env},
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("Kanäle:      ")]
    assert f" {shown}," in f"{line},", line
    assert " inbox" in line  # every authority without a channel of its own has the pull inbox
    assert "Konfiguration gültig." in result.stdout


def test_schemas_that_do_not_compile_fail_check_and_run_alike(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shutil.copytree(Settings().shared_dir, shared)
    (shared / "xoev" / "xbau-2.6" / "xbau-codes.xsd").write_text("<xs:schema", encoding="utf-8")  # truncated
    error = _both_refuse(tmp_path, {"HUB_SHARED_DIR": str(shared)})
    assert "XBau" in error and "xbau-codes.xsd" in error, error
