"""What the operator commands share: this deployment's settings, its broker and its topic names."""

from __future__ import annotations

from dataclasses import dataclass

import click

from hub.settings import Settings, get_settings
from topics.catalogue import Catalogue

NO_KAFKA = "no Kafka: start it with `hub kafka start` or set HUB_KAFKA_BOOTSTRAP"


@dataclass(frozen=True)
class Deployment:
    settings: Settings
    bootstrap: str
    catalogue: Catalogue


def connect() -> Deployment:
    """HUB_KAFKA_BOOTSTRAP, else the local broker when it answers, else a ClickException saying how to get one."""
    settings = get_settings()
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        from hub.kafka import LocalKafka

        local = LocalKafka(settings)
        if not local.status().answering:
            raise click.ClickException(NO_KAFKA)
        bootstrap = local.bootstrap
    return Deployment(settings, bootstrap, settings.catalogue())
