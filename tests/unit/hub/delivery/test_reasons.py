"""Every error text a channel produces maps onto a reason code that a log line accepts."""

from __future__ import annotations

import aiohttp
import pytest

from hub.delivery.reasons import reason_code
from hub.delivery.webhook import describe_error
from hub.logs.events import REJECTED, fields


@pytest.mark.parametrize(("error", "code"), [
    ("HTTP 503", "http.503"),
    ("HTTP 404", "http.404"),
    ("timeout after 2.0 s", "timeout"),
    (describe_error(ConnectionRefusedError()), "connection.refused"),
    (describe_error(aiohttp.ServerDisconnectedError()), "connection.closed"),
    (describe_error(aiohttp.InvalidURL("http://")), "config.url"),
    (describe_error(OSError()), "network.error"),
    ("folder /srv/eingang: Permission denied", "folder.write_failed"),
    ("no secrets file: cannot sign for ihk:06411000", "config.secrets"),
    ("cannot sign for ihk:06411000: no secret", "config.secrets"),
])
def test_error_texts_map_to_their_code(error: str, code: str) -> None:
    assert reason_code(error) == code
    assert fields(reason=code)["reason"] == code  # the log line keeps it


def test_an_unknown_text_gets_the_general_code_never_the_text() -> None:
    code = reason_code("Max Mustermann, Hauptstraße 1")
    assert code == "delivery.error"
    assert fields(reason=code)["reason"] != REJECTED
