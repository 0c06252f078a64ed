"""Errors of correlation: a message that joins no case, with the reason; each parks the message."""

from __future__ import annotations

from hub.routing.errors import RoutingError


class CorrelationError(RoutingError):
    """Root of correlation errors: a message that joins no case. `code` is stable and lands on the dead letter."""

    code = "correlation.error"
