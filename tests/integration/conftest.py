"""Integration-tier fixtures: a real `hub run` process on the real broker, with uuid-named topics and group."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright, sync_playwright

from hub.settings import Settings
from tests.support.browser import CHROMIUM, fresh_profile
from tests.support.hub_process import RunningHub, hub_running, new_config


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return Settings().shared_dir


@pytest.fixture(scope="module")
def running_hub(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    """`hub run` against the session broker, isolated by a uuid topic prefix and app id (consumer group)."""
    with hub_running(new_config(kafka_bootstrap, tmp_path_factory)) as hub:
        yield hub


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    assert CHROMIUM.exists(), "the page tests need Debian's chromium (make install adds it as root)"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile: no cookies."""
    with fresh_profile(playwright, tmp_path / "profile") as context:
        yield context
