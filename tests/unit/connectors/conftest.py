"""Connector-tier fixtures shared by every standard."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree


@pytest.fixture
def schema_compiles(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every schema compiled (etree.XMLSchema called) from now until the test ends, by its arguments."""
    compiles: list[object] = []
    original = etree.XMLSchema

    def counting(*args: Any, **kwargs: Any) -> etree.XMLSchema:
        compiles.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(etree, "XMLSchema", counting)
    return compiles
