"""Every check the hub makes before it starts, in one place: `hub run` and `hub config check` both call `preflight`,
so the two can never disagree about a configuration.

Checked: the routing data (directory, code lists, rules), the secrets file and every webhook's secret, every folder
channel's folder, the tokens file, the Kafka client settings, and the connectors' schemas (compiled here, once per
process, before any message is read in a thread). Nothing here needs a broker.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.reading import prepare as prepare_connectors
from connectors.xsd import SchemaSetupError
from hub.auth.tokens import TokenFileError, TokenStore
from hub.delivery.channels import FolderChannel, Secrets, SecretsError, WebhookChannel, load_secrets
from hub.kafka.errors import InvalidClientSetting
from hub.pipeline import Routing
from hub.routing.directory import Directory
from hub.routing.errors import RoutingError
from hub.settings import Settings


class PreflightError(Exception):
    """The configuration cannot start the hub; the message names the file, entry or variable and what is wrong."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Konfiguration ungültig: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class Preflight:
    """What the checks loaded, for the caller to show or to start with."""

    routing: Routing
    secrets: Secrets | None
    tokens: TokenStore
    kafka_client: dict[str, Any]  # kafka-python connection settings, see hub.kafka.client_config


def check_secrets(directory: Directory, secrets: Secrets | None) -> None:
    """Every webhook channel has its secret, so no delivery fails for want of one; SecretsError names it."""
    for authority in directory.authorities.values():
        if isinstance(authority.delivery, WebhookChannel):
            if secrets is None:
                raise SecretsError(None, f"authority {authority.key}", "has a webhook but HUB_SECRETS_FILE is unset")
            secrets.secret_for(authority.delivery)


def folder_problem(folder: Path) -> str | None:
    """Why files could not be written to `folder` (or to the folder created there), or None when they can."""
    if folder.exists():
        if not folder.is_dir():
            return "exists but is not a folder"
        return None if os.access(folder, os.W_OK | os.X_OK) else "is not writable"
    parent = next((p for p in folder.parents if p.exists()), None)
    if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return f"does not exist and cannot be created in {parent}"
    return None


def check_folders(directory: Directory) -> None:
    """Every folder channel's folder exists and is writable, or can be created; PreflightError names it."""
    for authority in directory.authorities.values():
        if isinstance(authority.delivery, FolderChannel):
            problem = folder_problem(authority.delivery.path)
            if problem is not None:
                raise PreflightError(f"authority {authority.key}: folder channel {authority.delivery.path} {problem}")


def preflight(settings: Settings) -> Preflight:
    """Run every start-up check on `settings`; the first failure raises PreflightError."""
    from hub.app.factory import load_routing  # the app module wires delivery, which calls back into this module
    from hub.kafka.client_config import kafka_python_kwargs

    try:
        routing = load_routing(settings)
        secrets = load_secrets(settings.secrets_file) if settings.secrets_file else None
        check_secrets(routing.directory, secrets)
        check_folders(routing.directory)
        tokens = TokenStore.load(settings.tokens_path)
        kafka_client = kafka_python_kwargs(settings)
        prepare_connectors(settings.connector_config)
    except (RoutingError, SecretsError, TokenFileError, InvalidClientSetting, SchemaSetupError) as exc:
        raise PreflightError(str(exc)) from exc
    return Preflight(routing, secrets, tokens, kafka_client)
