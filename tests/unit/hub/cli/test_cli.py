"""The `hub` command: help on every command, and `hub validate` on the shared samples and on broken input."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from lxml import etree

from hub.cli.main import cli
from hub.settings import Settings, get_settings
from tests.support.trade_variants import in_namespace
from tests.support.xgewo_schemas import XGEWO_16, install_xgewerbeordnung_16


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "hub")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3  # a description, not just the usage line


def test_validate_reads_every_trade_sample(trade_samples: list[Path]) -> None:
    result = CliRunner().invoke(cli, ["validate", *map(str, trade_samples)])
    assert result.exit_code == 0, result.output
    for path in trade_samples:
        root_name = etree.QName(etree.parse(path).getroot()).localname
        assert f"{path}:" in result.output
        assert root_name in result.output
    assert result.output.count("Ergebnis:       gültig") == len(trade_samples)
    assert result.output.count("XGewerbeanzeige 2.1") >= len(trade_samples)


def test_validate_lists_every_error_and_fails(tmp_path: Path, anmeldung_bensheim: bytes) -> None:
    broken = tmp_path / "kaputt.xml"
    broken.write_bytes(anmeldung_bensheim.replace(b"<xga:nachrichtenUUID>", b"<xga:andereUUID>")
                       .replace(b"</xga:nachrichtenUUID>", b"</xga:andereUUID>")
                       .replace(b"<code>06431002</code>\n         </xga:gemeindeSchluessel>",
                                b"<code>x</code>\n         </xga:gemeindeSchluessel>"))
    malformed = tmp_path / "abgeschnitten.xml"
    malformed.write_bytes(anmeldung_bensheim[:500])
    result = CliRunner().invoke(cli, ["validate", str(broken), str(malformed)])
    assert result.exit_code == 1
    assert "nachrichtenUUID fehlt: Pflichtelement" in result.output
    assert "andereUUID ist in nachrichtenkopf/identifikation.nachricht nicht erlaubt" in result.output
    assert "gemeindeSchluessel ist kein achtstelliger Gemeindeschlüssel" in result.output
    assert "xml.malformed" in result.output and "kein wohlgeformtes XML" in result.output
    assert "2 von 2 Datei(en) fehlerhaft" in result.output


def test_validate_names_the_routing_problem(tmp_path: Path, anmeldung_bensheim: bytes) -> None:
    elsewhere = tmp_path / "muenchen.xml"
    elsewhere.write_bytes(anmeldung_bensheim.replace(b"<code>06431002</code>", b"<code>09162000</code>"))
    result = CliRunner().invoke(cli, ["validate", str(elsewhere)])
    assert result.exit_code == 1
    assert "routing.unknown_municipality" in result.output


def test_validate_recognises_every_shared_sample(settings: Settings) -> None:
    samples = sorted((settings.shared_dir / "samples").glob("*/*.xml"))
    result = CliRunner().invoke(cli, ["validate", *map(str, samples)])
    assert result.exit_code == 0, result.output
    assert result.output.count("Ergebnis:       gültig") == len(samples)
    for standard in ("XGewerbeanzeige", "XBau", "XMeld", "XPersonenstand"):
        assert f"Standard:       {standard}" in result.output


def test_validate_names_the_setting_for_xgewerbeordnung_and_uses_installed_schemas(
    tmp_path: Path, anmeldung_bensheim: bytes, monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = tmp_path / "xgewo.xml"
    message.write_bytes(in_namespace(anmeldung_bensheim, XGEWO_16))
    monkeypatch.delenv("HUB_SCHEMA_DIR", raising=False)
    get_settings.cache_clear()
    try:
        missing = CliRunner().invoke(cli, ["validate", str(message)])
        assert missing.exit_code == 1
        assert "schema.not_installed: XGewerbeordnung 1.6 erkannt, Schema nicht installiert" in missing.output
        assert "HUB_SCHEMA_DIR" in missing.output
        monkeypatch.setenv("HUB_SCHEMA_DIR", str(install_xgewerbeordnung_16(tmp_path / "schemas")))
        get_settings.cache_clear()
        installed = CliRunner().invoke(cli, ["validate", str(message)])
    finally:
        get_settings.cache_clear()
    assert installed.exit_code == 0, installed.output
    assert "Standard:       XGewerbeordnung 1.6" in installed.output and "Ergebnis:       gültig" in installed.output
