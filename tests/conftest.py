"""Session-wide fixtures shared by every test layer."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from hub.kafka import LocalKafka
from hub.settings import Settings


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap "host:port" of a Kafka broker for tests that need one.

    HUB_KAFKA_BOOTSTRAP, when set, names an existing cluster and nothing is started. Otherwise the project's
    launcher starts a private broker on free ports with its data in a temp dir (jars stay cached in
    Settings().cache_dir, so reruns are fast) and stops it at session end, or when the session is killed.
    Only tests requesting this fixture start a broker, so a pure unit run needs no Java.
    """
    settings = Settings()
    if settings.kafka_bootstrap:
        yield settings.kafka_bootstrap
        return
    with socket.socket() as client_sock, socket.socket() as controller_sock:
        client_sock.bind(("127.0.0.1", 0))
        controller_sock.bind(("127.0.0.1", 0))
        port, controller_port = client_sock.getsockname()[1], controller_sock.getsockname()[1]
    broker = LocalKafka(
        settings,
        data_dir=tmp_path_factory.mktemp("kafka"),
        port=port,
        controller_port=controller_port,
        detach=False,  # dies with the test session even if it is killed before the teardown
    )
    bootstrap = broker.start()
    try:
        yield bootstrap
    finally:
        broker.stop()
