"""Unit-tier fixtures: the shared samples and the hub's own routing data, no broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.app.factory import load_routing
from hub.pipeline import Routing
from hub.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def trade_samples(settings: Settings) -> list[Path]:
    paths = sorted((settings.shared_dir / "samples" / "xgewerbeanzeige").glob("*.xml"))
    assert paths, f"no XGewerbeanzeige samples under {settings.shared_dir}"
    return paths


@pytest.fixture(scope="session")
def anmeldung_bensheim(trade_samples: list[Path]) -> bytes:
    return next(p for p in trade_samples if "anmeldung_bensheim" in p.name).read_bytes()


@pytest.fixture(scope="session")
def routing(settings: Settings) -> Routing:
    return load_routing(settings)
