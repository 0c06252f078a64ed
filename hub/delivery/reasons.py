"""Reason codes for failed delivery attempts, for log lines and dead-letter counts: the error texts the channels
produce (see `webhook.describe_error` and `attempts.ChannelClient`) mapped onto a small, fixed vocabulary."""

from __future__ import annotations

import re

_HTTP = re.compile(r"HTTP (\d{3})")
_PREFIXES = (
    ("timeout", "timeout"),
    ("connection refused", "connection.refused"),
    ("connection failed", "connection.failed"),
    ("server disconnected", "connection.closed"),
    ("DNS lookup failed", "dns.failed"),
    ("TLS error", "tls.failed"),
    ("invalid URL", "config.url"),
    ("invalid response", "http.invalid_response"),
    ("network error", "network.error"),
    ("folder ", "folder.write_failed"),
    ("no secrets file", "config.secrets"),
    ("cannot sign", "config.secrets"),
)


def reason_code(error: str) -> str:
    """The code of an attempt's error text, e.g. "HTTP 503" -> http.503; unknown texts are delivery.error."""
    status = _HTTP.fullmatch(error)
    if status:
        return f"http.{status.group(1)}"
    for prefix, code in _PREFIXES:
        if error.startswith(prefix):
            return code
    return "delivery.error"
