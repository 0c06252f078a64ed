"""How each recipient receives its messages, as written in the directory (`delivery = {...}` on an authority), and
the secrets file holding the HMAC keys that webhook channels name.

Secrets live in a file of their own, never in the routing data, so the directory can be reviewed and versioned openly;
a channel names its secret and the hub resolves it at start, failing early for a missing entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

ENTRY_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
MIN_SECRET_LENGTH = 32  # an HMAC key shorter than this is within reach of guessing
MAX_SECRET_LENGTH = 512


def check_http_url(url: str) -> str:
    """Accept only absolute http(s) URLs with a host and without credentials or fragment; return `url` unchanged."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry credentials; name a secret instead")
    if parts.fragment:
        raise ValueError("must not have a fragment")
    if any(c.isspace() for c in url):
        raise ValueError("must not contain whitespace")
    return url


class _Channel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WebhookChannel(_Channel):
    """Signed HTTP POST of each message to the recipient's URL, retried with backoff."""

    channel: Literal["webhook"]
    url: str = Field(description="Absolute http:// or https:// URL receiving the POST.")
    timeout_s: float = Field(default=5.0, gt=0, le=300, description="Limit of one attempt, connect and answer.")
    max_attempts: int = Field(default=6, ge=1, le=100, description="Attempts in all, the first included.")
    secret: str = Field(pattern=ENTRY_NAME_PATTERN,
                        description="name of the entry in the secrets file holding this recipient's HMAC secret")

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return check_http_url(value)


class InboxChannel(_Channel):
    """The recipient fetches its messages from its inbox on the hub's API; the hub only keeps them ready."""

    channel: Literal["inbox"]


class FolderChannel(_Channel):
    """Each message written as a file into a folder the recipient system watches."""

    channel: Literal["folder"]
    path: Path = Field(description="Folder the files are written to; created when missing.")

    @field_validator("path")
    @classmethod
    def _path_not_empty(cls, value: Path) -> Path:
        if str(value) in ("", "."):
            raise ValueError("must name a folder")
        return value


class KafkaChannel(_Channel):
    """The recipient system reads Kafka itself, from a topic of its own that topic ACLs can isolate."""

    channel: Literal["kafka"]


AnyChannel = WebhookChannel | InboxChannel | FolderChannel | KafkaChannel
DeliveryChannel = Annotated[AnyChannel, Field(discriminator="channel")]
_CHANNEL_ADAPTER: TypeAdapter[AnyChannel] = TypeAdapter(DeliveryChannel)
INBOX = InboxChannel(channel="inbox")  # the channel of every authority whose entry names none


def parse_channel(raw: Mapping[str, Any]) -> DeliveryChannel:
    """The channel described by `raw` (one `delivery = {...}` table); pydantic's ValidationError (a ValueError)
    names the field, or the unknown or missing `channel`, when it is not a valid channel."""
    return _CHANNEL_ADAPTER.validate_python(dict(raw))


class SecretsError(ValueError):
    """The secrets file is missing, unreadable, or lacks or mistypes an entry; names file and entry, never a value."""

    def __init__(self, path: Path | None, entry: str, detail: str) -> None:
        super().__init__(f"{path if path is not None else '<secrets>'}: {entry}: {detail}")
        self.path = path
        self.entry = entry
        self.detail = detail


def _check_secret_length(secret: SecretStr) -> SecretStr:
    if not MIN_SECRET_LENGTH <= len(secret.get_secret_value()) <= MAX_SECRET_LENGTH:
        raise ValueError(f"a secret must be {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters long")
    return secret


Secret = Annotated[SecretStr, AfterValidator(_check_secret_length)]


class PortalWebhook(BaseModel):
    """Where the hub notifies the citizen portal of status changes: `url` and either the `secret` itself or the
    `secret_name` of an entry in [webhook_secrets]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    secret: Secret | None = None
    secret_name: str | None = Field(default=None, pattern=ENTRY_NAME_PATTERN)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return check_http_url(value)

    @model_validator(mode="after")
    def _one_secret(self) -> PortalWebhook:
        if (self.secret is None) == (self.secret_name is None):
            raise ValueError("give exactly one of secret and secret_name")
        return self


class Secrets(BaseModel):
    """The contents of the secrets file: HMAC secrets by name, and the optional portal webhook."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    webhook_secrets: dict[Annotated[str, Field(pattern=ENTRY_NAME_PATTERN)], Secret] = Field(default_factory=dict)
    portal: PortalWebhook | None = None

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("portal")
    @classmethod
    def _portal_secret_exists(cls, portal: PortalWebhook | None, info: ValidationInfo) -> PortalWebhook | None:
        name = portal.secret_name if portal else None
        if name is not None and name not in info.data.get("webhook_secrets", {}):
            raise ValueError(f"secret_name '{name}' is not an entry of [webhook_secrets]")
        return portal

    def webhook_secret(self, name: str) -> bytes:
        """The secret named `name` as key bytes; SecretsError naming file and entry when there is none."""
        secret = self.webhook_secrets.get(name)
        if secret is None:
            raise SecretsError(self._source, f"webhook_secrets.{name}", "missing")
        return secret.get_secret_value().encode("utf-8")

    def secret_for(self, channel: WebhookChannel) -> bytes:
        """The HMAC key of a webhook channel, resolved by the name it gives."""
        return self.webhook_secret(channel.secret)

    def portal_secret(self) -> bytes | None:
        """The portal webhook's HMAC key, or None when no portal webhook is configured."""
        if self.portal is None:
            return None
        if self.portal.secret is not None:
            return self.portal.secret.get_secret_value().encode("utf-8")
        assert self.portal.secret_name is not None  # guaranteed by PortalWebhook
        return self.webhook_secret(self.portal.secret_name)


def load_secrets(path: Path) -> Secrets:
    """Read and validate the secrets file; every problem raises SecretsError naming file and entry.

    Validation errors are re-raised without their cause: pydantic's messages echo the rejected input, a secret.
    """
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SecretsError(path, "file", "not found") from None
    except OSError as exc:
        raise SecretsError(path, "file", f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SecretsError(path, "file", f"not valid TOML: {exc}") from None
    try:
        secrets = Secrets.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        entry = ".".join(str(p) for p in first["loc"]) or "file"
        cause = first.get("ctx", {}).get("error") if first["type"] == "value_error" else None
        raise SecretsError(path, entry, str(cause) if cause is not None else first["msg"]) from None
    secrets._source = path
    return secrets
