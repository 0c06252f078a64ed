"""The key formats of the XÖV standards, in ASCII: DVDV keys (prefix:key), AGS, ARS and numeric codes.

The standards define these keys over the ASCII digits and letters. Python's `\\d`, pydantic's patterns and
`str.isdigit` accept every Unicode digit (a full-width "２" among them), so every check here spells the ASCII
ranges out.
"""

from __future__ import annotations

import re
import unicodedata

DVDV_PREFIX_PATTERN = r"^[A-Za-z]+$"
DVDV_KEY_PART_PATTERN = r"^[0-9A-Za-z]+$"
DVDV_PATTERN = r"^[A-Za-z]+:[0-9A-Za-z]+$"
AGS_PATTERN = r"^[0-9]{8}$"
ARS_PATTERN = r"^[0-9]{12}$"
MESSAGE_CODE_PATTERN = r"^[0-9]{4}$"

_ASCII_DIGITS = re.compile(r"[0-9]+")
_DVDV = re.compile(DVDV_PATTERN)


def ascii_digits(value: str) -> bool:
    """True when `value` is one or more of the ASCII digits 0-9 (and nothing else)."""
    return _ASCII_DIGITS.fullmatch(value) is not None


def is_dvdv_key(value: str) -> bool:
    """True for a DVDV key `prefix:key`: ASCII letters, a colon, ASCII letters and digits."""
    return _DVDV.fullmatch(value) is not None


def first_foreign_character(value: str, allowed: str = "0-9A-Za-z") -> str | None:
    """The first character of `value` outside the ASCII class `allowed`, described for a reason text
    (e.g. "'２' (U+FF12 FULLWIDTH DIGIT TWO) an Stelle 15"); None when every character is allowed."""
    pattern = re.compile(f"[^{allowed}]")
    found = pattern.search(value)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "unnamed character")
    return f"{char!r} (U+{ord(char):04X} {name}) an Stelle {found.start() + 1}"
