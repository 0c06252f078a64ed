"""Which authorities a token may act for: DVDV keys in ASCII that the directory knows, with the likely key named
when an operator mistypes one."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Iterable

from hub.auth import AuthError
from topics.keys import first_foreign_character, is_dvdv_key


class AuthorityKeyError(AuthError):
    """A key given for a token is no DVDV key, or names no authority of the directory."""


def likely_meant(key: str, known: Collection[str]) -> str | None:
    """The known key `key` most likely means: the same after Unicode compatibility folding (a full-width digit is
    the digit) and case folding, else the closest spelling; None when nothing is close."""
    folded = unicodedata.normalize("NFKC", key).casefold()
    same = [k for k in known if k.casefold() == folded]
    if same:
        return same[0]
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
    return close[0] if close else None


def _problem(key: str, known: Collection[str]) -> str | None:
    if not is_dvdv_key(key):
        foreign = first_foreign_character(key, "0-9A-Za-z:")
        why = f"er enthält {foreign}" if foreign else "die Form ist Präfix:Schlüssel"
        return (f"{key!r} ist kein DVDV-Schlüssel ({why}; ein Präfix aus ASCII-Buchstaben, ein Doppelpunkt, ein "
                "Schlüssel aus ASCII-Buchstaben und -Ziffern)")
    if key not in known:
        return f"{key!r} ist keine Behörde des Verzeichnisses"
    return None


def check_authorities(keys: Iterable[str], known: Collection[str]) -> None:
    """Every key is a DVDV key the directory knows; AuthorityKeyError names each one that is not, with the key
    it probably means."""
    problems = []
    for key in keys:
        problem = _problem(key, known)
        if problem:
            meant = likely_meant(key, known)
            problems.append(problem + (f"; gemeint ist wohl {meant}" if meant else ""))
    if problems:
        raise AuthorityKeyError("\n".join(problems))
