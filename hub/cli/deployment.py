"""What the operator commands share: this deployment's settings, its broker and its topic names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from hub.settings import Settings, get_settings
from topics.catalogue import Catalogue

NO_KAFKA = "no Kafka: start it with `hub kafka start` or set HUB_KAFKA_BOOTSTRAP"


@dataclass(frozen=True)
class Deployment:
    settings: Settings
    bootstrap: str
    catalogue: Catalogue
    client: dict[str, Any]  # kafka-python connection settings (hub.kafka.client_config)


def connect() -> Deployment:
    """HUB_KAFKA_BOOTSTRAP, else the local broker when it answers, else a ClickException saying how to get one."""
    from hub.kafka import InvalidClientSetting
    from hub.kafka.client_config import kafka_python_kwargs

    settings = get_settings()
    try:
        client = kafka_python_kwargs(settings)
    except InvalidClientSetting as exc:
        raise click.ClickException(str(exc)) from exc
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        from hub.kafka import LocalKafka

        local = LocalKafka(settings)
        if not local.status().answering:
            raise click.ClickException(NO_KAFKA)
        bootstrap = local.bootstrap
    return Deployment(settings, bootstrap, settings.catalogue(), client)
