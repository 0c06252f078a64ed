"""Fixtures of the benchmark's unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import Settings


@pytest.fixture(scope="session")
def samples_dir(settings: Settings) -> Path:
    return settings.shared_dir / "samples"
