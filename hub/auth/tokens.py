"""API tokens: each system's bearer token, stored only as its SHA-256, bound to the authorities it acts for.

The tokens file (HUB_TOKENS_FILE) is TOML with one [[token]] per system. `hub token add` creates entries and prints
the token once; nothing else ever sees the token itself.
"""

from __future__ import annotations

import hashlib
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hub.auth import AuthError
from topics.keys import DVDV_PATTERN


class TokenFileError(AuthError):
    """The tokens file cannot be read or holds an invalid entry; names the file and the entry."""


class Grant(BaseModel):
    """What one system may do: send as and read for `authorities`; the portal may read every case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    authorities: tuple[Annotated[str, Field(pattern=DVDV_PATTERN)], ...] = ()
    all_cases: bool = False
    clerk: bool = Field(default=False, description="A front-desk clerk: reads whole cases its authorities take "
                                                   "part in, for the citizen at the counter (/schalter).")
    operator: bool = Field(default=False, description="An IT operator: the operator page (/ops) and faust's own "
                                                      "pages; sends and reads nothing else by this alone.")

    def acts_for(self, authority: str) -> bool:
        return authority in self.authorities


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """Grants indexed by token hash; an unknown or missing token authenticates nobody."""

    def __init__(self, grants: list[Grant]) -> None:
        self.grants: Mapping[str, Grant] = {g.sha256: g for g in grants}

    def authenticate(self, token: str | None) -> Grant | None:
        return self.grants.get(digest(token)) if token else None

    @classmethod
    def load(cls, path: Path | None) -> TokenStore:
        """The grants of `path`; no file means no grants, so every protected call is refused."""
        if path is None or not path.exists():
            return cls([])
        return cls(_read(path))


def _read(path: Path) -> list[Grant]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TokenFileError(f"{path}: cannot be read: {exc}") from exc
    grants = []
    for index, raw in enumerate(data.get("token", [])):
        try:
            grants.append(Grant.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise TokenFileError(f"{path}: token[{index}]: field '{'.'.join(map(str, first['loc']))}': "
                                 f"{first['msg']}") from exc
    return grants


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_token(path: Path, system: str, authorities: tuple[str, ...], *, all_cases: bool = False,
              clerk: bool = False, operator: bool = False) -> str:
    """Create a token for `system`, append its hash to `path` and return the token (shown once, never stored)."""
    existing = _read(path) if path.exists() else []
    token = secrets.token_urlsafe(32)
    grant = Grant(system=system, sha256=digest(token), authorities=authorities, all_cases=all_cases, clerk=clerk,
                  operator=operator)
    entry = ["[[token]]", f"system = {_toml_string(grant.system)}", f"sha256 = {_toml_string(grant.sha256)}",
             "authorities = [" + ", ".join(_toml_string(a) for a in grant.authorities) + "]",
             f"all_cases = {'true' if grant.all_cases else 'false'}"]
    entry += [f"{flag} = true" for flag in ("clerk", "operator") if getattr(grant, flag)]
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = "\n" if existing or (path.exists() and path.stat().st_size) else ""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(prefix + "\n".join(entry) + "\n")
    path.chmod(0o600)
    return token
