"""Fixtures of the XPersonenstand tests: the three shared samples by type code, and a connector on the shared XSDs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from connectors.civil_status.connector import CivilStatusConnector
from connectors.reading import Reading
from connectors.secure_xml import parse_secure
from hub.settings import Settings


@pytest.fixture(scope="session")
def xps_samples(settings: Settings) -> dict[str, bytes]:
    """Sample bytes keyed by the type code ending their root element's name, e.g. 081032."""
    paths = sorted((settings.shared_dir / "samples" / "xpersonenstand").glob("*.xml"))
    assert len(paths) == 3, f"expected the three XPersonenstand samples under {settings.shared_dir}"
    return {etree.QName(etree.parse(str(p)).getroot()).localname.rsplit(".", 1)[1]: p.read_bytes() for p in paths}


@pytest.fixture(scope="session")
def paper_request(xps_samples: dict[str, bytes]) -> bytes:
    return xps_samples["081030"]


@pytest.fixture(scope="session")
def electronic_request(xps_samples: dict[str, bytes]) -> bytes:
    return xps_samples["081032"]


@pytest.fixture(scope="session")
def delivery(xps_samples: dict[str, bytes]) -> bytes:
    return xps_samples["081033"]


@pytest.fixture(scope="session")
def connector(settings: Settings) -> CivilStatusConnector:
    return CivilStatusConnector(shared_dir=settings.shared_dir)


@pytest.fixture(scope="session")
def read(connector: CivilStatusConnector) -> Callable[[bytes], Reading]:
    """Read message bytes the way the hub does: hardened parse, then the connector."""

    def reading(data: bytes) -> Reading:
        return connector.read(parse_secure(data, max_bytes=1_000_000))

    return reading
