"""Integration-tier fixtures: a real `hub run` process on the real broker, with uuid-named topics and group."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.settings import Settings
from tests.support.hub_process import RunningHub, drop_topics, new_config, operator_token, start_hub, stop_hub


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return Settings().shared_dir


@pytest.fixture(scope="module")
def running_hub(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    """`hub run` against the session broker, isolated by a uuid topic prefix and app id (consumer group)."""
    config = new_config(kafka_bootstrap, tmp_path_factory)
    hub = start_hub(config, operator_token(config))
    try:
        yield hub
    finally:
        stop_hub(hub)
        drop_topics(hub)
