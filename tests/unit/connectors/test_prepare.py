"""After `prepare`, reading any message compiles no schema: every compile happened before readers run in threads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

import pytest

from connectors.building import schema as building_schema
from connectors.civil_status import schema as civil_status_schema
from connectors.errors import ConnectorError
from connectors.reading import prepare, read_message
from connectors.registration import strict as registration_strict
from hub.settings import Settings


@pytest.fixture
def empty_caches() -> Iterator[None]:
    caches = (building_schema.compile_schema, civil_status_schema._cached, registration_strict._compile)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_reading_every_sample_after_prepare_compiles_nothing(settings: Settings, empty_caches: None,
                                                            schema_compiles: list[object]) -> None:
    config = settings.connector_config
    prepare(config)
    prepared = len(schema_compiles)
    assert prepared >= 4  # XBau's two namespaces, XMeld and XPersonenstand at least

    samples = sorted((settings.shared_dir / "samples").glob("*/*.xml"))
    standards = set()
    for sample in samples:
        with suppress(ConnectorError):  # a sample the hub refuses must not compile anything either
            standards.add(read_message(sample.read_bytes(), max_bytes=settings.max_message_bytes,
                                       config=config).envelope.standard)
    assert len(standards) >= 4
    assert len(schema_compiles) == prepared
