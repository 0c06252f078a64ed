"""HMAC-SHA512 signatures on outgoing deliveries, the way FIT-Connect signs its callbacks.

signature = hex(HMAC-SHA512(secret, f"{timestamp}.".encode() + body)), timestamp = integer Unix seconds. Signing the
timestamp with the body lets a recipient reject replays older than its tolerance without keeping state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Mapping

HEADER_SIGNATURE = "callback-authentication"
HEADER_TIMESTAMP = "callback-timestamp"
HEADER_MESSAGE_ID = "X-Hub-Message-Id"
HEADER_CASE_ID = "X-Hub-Case-Id"
HEADER_IDEMPOTENCY_KEY = "Idempotency-Key"
HEADER_CONTENT_TYPE = "Content-Type"

DEFAULT_CONTENT_TYPE = "application/xml"

# Idempotency keys are derived, never random, so a retry or a replay carries the key of the first attempt.
IDEMPOTENCY_NAMESPACE = uuid.UUID("0b6f3f7e-2d4a-5c1e-9f57-8a1d3c6e4b20")

_TIMESTAMP = re.compile(r"0|[1-9][0-9]{0,11}")  # canonical decimal only: no sign, spaces, '_' or non-ASCII digits
_SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")  # SHA-512 hex digest
_HEADER_VALUE = re.compile(r"[\x21-\x7e]{1,256}")  # visible ASCII: no CR/LF, so no header injection


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    """The lowercase hex HMAC-SHA512 of `"{timestamp}." + body`; an empty secret or negative timestamp is a bug."""
    if not secret:
        raise ValueError("empty signing secret")
    if timestamp < 0:
        raise ValueError("timestamp must be non-negative Unix seconds")
    return hmac.new(secret, f"{timestamp}.".encode("ascii") + body, hashlib.sha512).hexdigest()


def idempotency_key(message_id: str, recipient: str) -> str:
    """A UUID stable for one message to one recipient, identical across retries and replays.

    Both parts are JSON-encoded together, so no choice of ids can make two different pairs collide.
    """
    return str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, json.dumps([message_id, recipient])))


def signed_headers(secret: bytes, body: bytes, *, message_id: str, case_id: str, idempotency_key: str, now: int,
                   content_type: str = DEFAULT_CONTENT_TYPE) -> dict[str, str]:
    """Every header of a delivery: signature and timestamp over `body`, the hub's ids and the content type.

    Ids must be visible ASCII (ValueError otherwise): they come from messages, and CR/LF would inject headers.
    """
    headers = {
        HEADER_CONTENT_TYPE: content_type,
        HEADER_MESSAGE_ID: message_id,
        HEADER_CASE_ID: case_id,
        HEADER_IDEMPOTENCY_KEY: idempotency_key,
    }
    for name, value in headers.items():
        if name != HEADER_CONTENT_TYPE and not _HEADER_VALUE.fullmatch(value):
            raise ValueError(f"header {name} must be 1 to 256 visible ASCII characters")
    if not content_type or any(c in content_type for c in "\r\n\0"):
        raise ValueError(f"invalid {HEADER_CONTENT_TYPE}")
    headers[HEADER_TIMESTAMP] = str(now)
    headers[HEADER_SIGNATURE] = sign(secret, body, now)
    return headers


def verify(secret: bytes, body: bytes, headers: Mapping[str, str], *, now: int, tolerance_s: int = 300) -> bool:
    """True only if `headers` carry a well-formed timestamp within ±tolerance_s of `now` and the matching signature.

    Header names are matched case-insensitively; a header given twice with different values is rejected as
    ambiguous. The signature is compared in constant time.
    """
    if tolerance_s < 0:
        raise ValueError("tolerance_s must be non-negative")
    signature = _single(headers, HEADER_SIGNATURE)
    timestamp = _single(headers, HEADER_TIMESTAMP)
    if signature is None or timestamp is None:
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    stamped = int(timestamp)
    if abs(now - stamped) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, body, stamped), signature.lower())


def _single(headers: Mapping[str, str], name: str) -> str | None:
    """The one value of header `name` in any letter case; None when missing or given with conflicting values."""
    wanted = name.lower()
    values = {value for key, value in headers.items() if key.lower() == wanted}
    return values.pop() if len(values) == 1 else None
