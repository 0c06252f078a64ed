"""References as the hub compares them: a UUID is case-insensitive, so it is always kept in lower case."""

from __future__ import annotations

import re

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def normalised(value: str) -> str:
    """`value` without surrounding blanks, in lower case when it is a UUID; any other reference as written."""
    stripped = value.strip()
    return stripped.lower() if _UUID.match(stripped) else stripped
