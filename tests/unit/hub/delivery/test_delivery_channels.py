"""Delivery channels as the directory writes them, and the secrets file their webhooks name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from hub.delivery.channels import (
    FolderChannel,
    InboxChannel,
    Secrets,
    SecretsError,
    WebhookChannel,
    load_secrets,
    parse_channel,
)

IHK_SECRET = "ihk-secret-0123456789abcdef0123456789"
PORTAL_SECRET = "portal-secret-0123456789abcdef012345"


def test_webhook_channel_with_defaults() -> None:
    channel = parse_channel({"channel": "webhook", "url": "https://ihk.example/hooks", "secret": "ihk-darmstadt"})
    assert channel == WebhookChannel(channel="webhook", url="https://ihk.example/hooks", secret="ihk-darmstadt")
    assert isinstance(channel, WebhookChannel)
    assert (channel.timeout_s, channel.max_attempts) == (5.0, 6)


def test_webhook_channel_with_all_fields_keeps_url_as_written() -> None:
    channel = parse_channel({"channel": "webhook", "url": "http://127.0.0.1:8080/in?x=1", "timeout_s": 2,
                             "max_attempts": 3, "secret": "local"})
    assert isinstance(channel, WebhookChannel)
    assert (channel.url, channel.timeout_s, channel.max_attempts) == ("http://127.0.0.1:8080/in?x=1", 2.0, 3)


def test_inbox_channel() -> None:
    assert parse_channel({"channel": "inbox"}) == InboxChannel(channel="inbox")


def test_folder_channel() -> None:
    channel = parse_channel({"channel": "folder", "path": "/srv/drop/ihk"})
    assert channel == FolderChannel(channel="folder", path=Path("/srv/drop/ihk"))


def test_channels_are_frozen() -> None:
    channel = parse_channel({"channel": "inbox"})
    with pytest.raises(ValidationError):
        channel.channel = "folder"  # type: ignore[misc]


@pytest.mark.parametrize(("raw", "field"), [
    ({}, "channel"),
    ({"channel": "email"}, "channel"),
    ({"channel": "webhook", "secret": "s"}, "url"),
    ({"channel": "webhook", "url": "https://x.example"}, "secret"),
    ({"channel": "webhook", "url": "ftp://x.example", "secret": "s"}, "url"),
    ({"channel": "webhook", "url": "x.example/hook", "secret": "s"}, "url"),
    ({"channel": "webhook", "url": "https://", "secret": "s"}, "url"),
    ({"channel": "webhook", "url": "https://u:p@x.example/", "secret": "s"}, "url"),
    ({"channel": "webhook", "url": "https://x.example:99999/", "secret": "s"}, "url"),
    ({"channel": "webhook", "url": "https://x.example/", "secret": "s", "timeout_s": 0}, "timeout_s"),
    ({"channel": "webhook", "url": "https://x.example/", "secret": "s", "max_attempts": 0}, "max_attempts"),
    ({"channel": "webhook", "url": "https://x.example/", "secret": "../s"}, "secret"),
    ({"channel": "webhook", "url": "https://x.example/", "secret": "s", "secret_value": "x"}, "secret_value"),
    ({"channel": "inbox", "url": "https://x.example/"}, "url"),
    ({"channel": "folder"}, "path"),
    ({"channel": "folder", "path": ""}, "path"),
])
def test_invalid_channels_name_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_channel(raw)
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_secrets_and_resolve_a_channels_secret(tmp_path: Path) -> None:
    secrets = load_secrets(write(tmp_path, f'[webhook_secrets]\n"ihk-darmstadt" = "{IHK_SECRET}"\n'))
    channel = WebhookChannel(channel="webhook", url="https://ihk.example/", secret="ihk-darmstadt")
    assert secrets.secret_for(channel) == IHK_SECRET.encode()
    assert secrets.webhook_secret("ihk-darmstadt") == IHK_SECRET.encode()
    assert secrets.portal is None and secrets.portal_secret() is None


def test_portal_with_inline_secret(tmp_path: Path) -> None:
    portal = f'[portal]\nurl = "https://portal.example/hub"\nsecret = "{PORTAL_SECRET}"\n'
    secrets = load_secrets(write(tmp_path, portal))
    assert secrets.portal is not None and secrets.portal.url == "https://portal.example/hub"
    assert secrets.portal_secret() == PORTAL_SECRET.encode()


def test_portal_with_named_secret(tmp_path: Path) -> None:
    secrets = load_secrets(write(tmp_path, f'[webhook_secrets]\nportal = "{PORTAL_SECRET}"\n'
                                           '[portal]\nurl = "https://portal.example/hub"\nsecret_name = "portal"\n'))
    assert secrets.portal_secret() == PORTAL_SECRET.encode()


def test_missing_entry_names_file_and_entry(tmp_path: Path) -> None:
    path = write(tmp_path, f'[webhook_secrets]\n"ihk-darmstadt" = "{IHK_SECRET}"\n')
    with pytest.raises(SecretsError) as caught:
        load_secrets(path).webhook_secret("hwk-frankfurt")
    assert str(path) in str(caught.value) and "webhook_secrets.hwk-frankfurt" in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("text", "entry"), [
    ('[webhook_secrets]\n"ihk" = "short-secret-value"\n', "webhook_secrets.ihk"),
    ('[webhook_secrets]\n"ihk" = 42\n', "webhook_secrets.ihk"),
    (f'[webhook_secrets]\n"bad/name" = "{IHK_SECRET}"\n', "webhook_secrets.bad/name"),
    ('[portal]\nurl = "https://p.example/"\n', "portal"),
    (f'[portal]\nurl = "https://p.example/"\nsecret = "{PORTAL_SECRET}"\nsecret_name = "x"\n', "portal"),
    ('[portal]\nurl = "https://p.example/"\nsecret_name = "nope"\n', "secret_name"),
    (f'[portal]\nurl = "ftp://p.example/"\nsecret = "{PORTAL_SECRET}"\n', "portal.url"),
    (f'[webhook_secrets]\nihk = "{IHK_SECRET}"\n[other]\nx = 1\n', "other"),
])
def test_invalid_entries_name_file_and_entry_without_the_value(tmp_path: Path, text: str, entry: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SecretsError) as caught:
        load_secrets(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and entry in message
    assert "short-secret-value" not in message and PORTAL_SECRET not in message and IHK_SECRET not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(SecretsError, match="not found"):
        load_secrets(tmp_path / "absent.toml")
    with pytest.raises(SecretsError, match="not valid TOML"):
        load_secrets(write(tmp_path, f'[webhook_secrets]\nihk = "{IHK_SECRET}'))


def test_broken_toml_error_does_not_echo_the_secret(tmp_path: Path) -> None:
    with pytest.raises(SecretsError) as caught:
        load_secrets(write(tmp_path, f'[webhook_secrets]\nihk = {IHK_SECRET}\n'))
    assert IHK_SECRET not in str(caught.value)


def test_str_and_repr_never_reveal_secrets(tmp_path: Path) -> None:
    secrets = load_secrets(write(tmp_path, f'[webhook_secrets]\n"ihk-darmstadt" = "{IHK_SECRET}"\n[portal]\n'
                                           f'url = "https://portal.example/hub"\nsecret = "{PORTAL_SECRET}"\n'))
    for text in (str(secrets), repr(secrets), str(secrets.portal), repr(secrets.portal),
                 secrets.model_dump_json(), str(secrets.model_dump())):
        assert IHK_SECRET not in text and PORTAL_SECRET not in text
    assert "ihk-darmstadt" in repr(secrets)  # the names stay visible for diagnosis


def test_empty_secrets_file_is_valid(tmp_path: Path) -> None:
    secrets = load_secrets(write(tmp_path, ""))
    assert secrets.model_dump() == Secrets().model_dump() == {"webhook_secrets": {}, "portal": None}
