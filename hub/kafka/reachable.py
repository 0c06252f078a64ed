"""A TCP check of the bootstrap addresses, made before a kafka-python client is built.

kafka-python leaks its sockets and network thread when a client's constructor cannot bootstrap, so the common case
(broker down, wrong address) is caught here, quickly and cleanly, instead.
"""

from __future__ import annotations

import socket


def unreachable(bootstrap: str, timeout_s: float) -> str | None:
    """None when some address of `bootstrap` ("host:port[,host:port]") accepts a TCP connection, else why none does."""
    errors = []
    for address in filter(None, (a.strip() for a in bootstrap.split(","))):
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]") or "localhost", int(port)), timeout=min(timeout_s, 5.0)):
                return None
        except (OSError, ValueError) as exc:
            errors.append(f"{address}: {exc}")
    return "; ".join(errors) or "no address"
