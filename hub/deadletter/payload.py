"""What a parked payload reads as, for the operator's tools: read once per process with the hub's hardened reader.

Parked bytes are hostile by definition. They go through the same reader as the API (`hub.pipeline.read`, so
no DTD, entity, XInclude or file is ever loaded); `list`, `show` and `replay` ask several times per item, so the
answer is kept.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from hub import pipeline
from topics.envelope import Envelope

log = logging.getLogger(__name__)


@lru_cache(maxsize=512)
def read_stored(payload: bytes, max_bytes: int) -> tuple[Envelope | None, str | None]:
    """The payload's envelope, or None and the code of why it does not read (never payload text)."""
    try:
        return pipeline.read(payload, max_bytes=max_bytes).envelope, None
    except Exception as exc:  # parked bytes are bad by definition; any failure only means "does not read"
        log.debug("payload does not read: %s", type(exc).__name__)
        return None, str(getattr(exc, "code", type(exc).__name__))
