"""A token's authorities are checked against the key format and the directory; a typo names the likely key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.auth.authorities import AuthorityKeyError, check_authorities, likely_meant
from hub.auth.tokens import TokenStore
from hub.cli.main import cli
from hub.pipeline import Routing
from hub.settings import get_settings

KNOWN = frozenset({"MELDID:06431002", "MELDID:06431011", "xga:06431000", "ihk:06411000"})


@pytest.mark.parametrize(("typed", "meant"), [
    ("MELDID:0643100\uff12", "MELDID:06431002"),  # a full-width digit folds to the digit
    ("meldid:06431002", "MELDID:06431002"),       # case
    ("xga:0643100", "xga:06431000"),              # a digit missing
    ("ihk:06411001", "ihk:06411000"),             # one digit wrong
])
def test_a_typo_names_the_key_it_probably_means(typed: str, meant: str) -> None:
    assert likely_meant(typed, KNOWN) == meant
    with pytest.raises(AuthorityKeyError) as info:
        check_authorities([typed], KNOWN)
    assert f"gemeint ist wohl {meant}" in str(info.value)


def test_a_non_ascii_key_names_the_character() -> None:
    with pytest.raises(AuthorityKeyError) as info:
        check_authorities(["MELDID:0643100\uff12"], KNOWN)
    assert "ist kein DVDV-Schlüssel" in str(info.value) and "U+FF12 FULLWIDTH DIGIT TWO" in str(info.value)


def test_nothing_close_is_suggested_for_a_stranger() -> None:
    assert likely_meant("abc:99999999", KNOWN) is None
    with pytest.raises(AuthorityKeyError) as info:
        check_authorities(["abc:99999999"], KNOWN)
    assert "ist keine Behörde des Verzeichnisses" in str(info.value) and "gemeint" not in str(info.value)


def test_every_wrong_key_is_named_at_once_and_known_keys_pass() -> None:
    check_authorities(sorted(KNOWN), KNOWN)
    with pytest.raises(AuthorityKeyError) as info:
        check_authorities(["MELDID:06431002", "MELDID06431002", "xga:0643100"], KNOWN)
    assert str(info.value).count("\n") == 1 and "MELDID06431002" in str(info.value)


@pytest.fixture
def tokens_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "tokens.toml"
    monkeypatch.setenv("HUB_TOKENS_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_token_add_refuses_a_typo_and_stores_nothing(tokens_file: Path) -> None:
    result = CliRunner().invoke(cli, ["token", "add", "--system", "Gewerbeamt", "--authority", "MELDID:0643100\uff12"])
    assert result.exit_code == 1
    assert "gemeint ist wohl MELDID:06431002" in result.output
    assert not tokens_file.exists()


def test_token_add_accepts_keys_of_the_directory(tokens_file: Path, routing: Routing) -> None:
    key = "MELDID:06431002"
    assert key in routing.directory.authorities
    result = CliRunner().invoke(cli, ["token", "add", "--system", "Gewerbeamt", "--authority", key])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    grant = TokenStore.load(tokens_file).authenticate(token)
    assert grant is not None and grant.authorities == (key,)
