"""Logging an unexpected failure without what it says: its type and where it was raised, never its text.

An exception's text may quote the message it failed on (pydantic repeats input values, libraries repeat bytes),
and the hub's logs carry no message content or personal data. The traceback's frames show the code, not the data.
"""

from __future__ import annotations

import logging
import traceback


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log `what` failed with `exc`'s type, and the frames it was raised through, at error level."""
    log.error("%s failed with %s at\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
