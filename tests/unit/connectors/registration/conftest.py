"""Fixtures of the XMeld tests: the three samples of the move Viernheim → Bensheim, a connector on the shared XSDs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from connectors.reading import Reading
from connectors.registration.connector import RegistrationConnector
from connectors.secure_xml import parse_secure
from hub.settings import Settings


@pytest.fixture(scope="session")
def xmeld_samples(settings: Settings) -> dict[str, bytes]:
    """Sample bytes keyed by message kind: the root element's name without its type-code suffix."""
    paths = sorted((settings.shared_dir / "samples" / "xmeld").glob("*.xml"))
    assert len(paths) == 3, f"expected the three XMeld samples under {settings.shared_dir}"
    samples = {}
    for path in paths:
        data = path.read_bytes()
        samples[etree.QName(etree.fromstring(data)).localname.rsplit(".", 1)[0]] = data
    return samples


@pytest.fixture(scope="session")
def anforderung(xmeld_samples: dict[str, bytes]) -> bytes:
    return xmeld_samples["anmeldung.datenanforderung"]


@pytest.fixture(scope="session")
def bereitstellung(xmeld_samples: dict[str, bytes]) -> bytes:
    return xmeld_samples["anmeldung.datenbereitstellung"]


@pytest.fixture(scope="session")
def rueckmeldung(xmeld_samples: dict[str, bytes]) -> bytes:
    return xmeld_samples["rueckmeldung.anmeldunginland"]


@pytest.fixture(scope="session")
def connector(settings: Settings) -> RegistrationConnector:
    return RegistrationConnector(shared_dir=settings.shared_dir)


@pytest.fixture(scope="session")
def read(connector: RegistrationConnector) -> Callable[[bytes], Reading]:
    """Read message bytes the way the hub does: hardened parse, then the connector."""

    def reading(data: bytes) -> Reading:
        return connector.read(parse_secure(data, max_bytes=1_000_000))

    return reading
