"""Fixtures of the XBau connector tests: the shared XBau samples, by file and parsed, and the connector itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors.building.connector import BuildingConnector
from hub.settings import Settings


@pytest.fixture(scope="session")
def xbau_samples(settings: Settings) -> list[Path]:
    paths = sorted((settings.shared_dir / "samples" / "xbau").glob("*.xml"))
    assert paths, f"no XBau samples under {settings.shared_dir}"
    return paths


@pytest.fixture(scope="session")
def status_samples(xbau_samples: list[Path]) -> list[Path]:
    """The samples whose root is a 1170 status message (found by root element, not by file name)."""
    found = [p for p in xbau_samples if etree.QName(etree.parse(str(p)).getroot()).localname.endswith(".1170")]
    assert found
    return found


@pytest.fixture(scope="session")
def codelist_file(settings: Settings) -> Path:
    return settings.shared_dir / "xoev" / "codelists" / "urn_xoev-de_xbau_codeliste_statusbauportal_3.0.xml"


@pytest.fixture
def connector(settings: Settings) -> BuildingConnector:
    return BuildingConnector(settings.shared_dir)


def sample_with_root(samples: list[Path], suffix: str) -> bytes:
    """The bytes of the one sample whose root element's local name ends with `suffix`, e.g. '.0200'."""
    found = [p for p in samples if etree.QName(etree.parse(str(p)).getroot()).localname.endswith(suffix)]
    assert len(found) >= 1, suffix
    return found[0].read_bytes()


@pytest.fixture(scope="session")
def antrag(xbau_samples: list[Path]) -> bytes:
    return sample_with_root(xbau_samples, ".0200")


@pytest.fixture(scope="session")
def aktenzeichen(xbau_samples: list[Path]) -> bytes:
    return sample_with_root(xbau_samples, ".1121")


@pytest.fixture(scope="session")
def bescheid(xbau_samples: list[Path]) -> bytes:
    return sample_with_root(xbau_samples, ".0205")


@pytest.fixture(scope="session")
def status(status_samples: list[Path]) -> bytes:
    return status_samples[0].read_bytes()
