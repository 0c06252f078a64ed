"""The deployment the fault suite runs the hub in: a copy of the routing data in which one recipient is served by
the suite's webhook recipient, the secrets file signing for it, and the tokens of the sender and the reader.

The retry settings are small, so the backoff outlasts a short outage with attempts to spare instead of parking.
"""

from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.auth.tokens import add_token
from hub.bench.toml_write import dumps
from hub.bench.worker import Deployment
from hub.faults.errors import FaultSuiteError

AUTHORITIES, RULES = "authorities.toml", "rules.toml"
SECRET_ENTRY = "faults-webhook"  # noqa: S105  (the name of the entry, not a secret)
WEBHOOK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Served:
    """The routing data written for the run and the webhook recipient's secret."""

    routing_dir: Path
    secrets_file: Path
    recipient: str
    secret: bytes


def serve_by_webhook(shipped: Path, target: Path, recipient: str, url: str, max_attempts: int) -> Served:
    """Copy the routing data from `shipped` into `target`, with `recipient` served by a webhook at `url`; the
    secret goes to `target`/secrets.toml."""
    with (shipped / AUTHORITIES).open("rb") as handle:
        authorities: dict[str, Any] = tomllib.load(handle)
    entries = [a for a in authorities.get("authority", []) if a.get("key") == recipient]
    if len(entries) != 1:
        raise FaultSuiteError("routing data", f"{recipient} is not one authority entry of {shipped / AUTHORITIES}")
    entries[0]["delivery"] = {"channel": "webhook", "url": url, "secret": SECRET_ENTRY, "timeout_s": WEBHOOK_TIMEOUT_S,
                              "max_attempts": max_attempts}
    target.mkdir(parents=True, exist_ok=True)
    header = f"# Written by `hub faults` from {shipped}: {recipient} is served by a webhook.\n"
    (target / AUTHORITIES).write_text(header + dumps(authorities), encoding="utf-8")
    (target / RULES).write_bytes((shipped / RULES).read_bytes())
    secret = secrets.token_urlsafe(48)
    secrets_file = target / "secrets.toml"
    secrets_file.write_text(f'[webhook_secrets]\n{SECRET_ENTRY} = "{secret}"\n', encoding="utf-8")
    secrets_file.chmod(0o600)
    return Served(target, secrets_file, recipient, secret.encode())


def worker_settings(served: Served, retry_base_s: float, retry_max_delay_s: float) -> tuple[tuple[str, str], ...]:
    """The HUB_* settings of the run's `hub run` besides the deployment's own."""
    return (("HUB_SECRETS_FILE", str(served.secrets_file)), ("HUB_RETRY_BASE_S", str(retry_base_s)),
            ("HUB_RETRY_MAX_DELAY_S", str(retry_max_delay_s)))


@dataclass(frozen=True)
class Tokens:
    sender: str  # sends as every author of the messages
    reader: str  # an operator reading every case and the inboxes


def tokens(deployment: Deployment, authors: tuple[str, ...], inboxes: tuple[str, ...]) -> Tokens:
    """Both tokens, written to the deployment's tokens file before its worker starts."""
    sender = add_token(deployment.tokens_file, "hub faults: Fachverfahren", authors)
    reader = add_token(deployment.tokens_file, "hub faults: Betrieb", inboxes, all_cases=True, operator=True)
    return Tokens(sender, reader)
