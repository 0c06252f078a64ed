"""The directory of authorities: who serves which municipality in which role, indexed for look-up."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hub.routing.errors import ConfigError

T = TypeVar("T", bound=BaseModel)


class Municipality(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ags: str = Field(pattern=r"^\d{8}$")
    name: str


class Authority(BaseModel):
    """An authority, its DVDV key, its role and the AGS prefixes it serves."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[A-Za-z]+:[0-9A-Za-z]+$")
    name: str
    role: str
    serves: tuple[str, ...] = Field(min_length=1)

    @property
    def praefix(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def kennung(self) -> str:
        return self.key.split(":", 1)[1]

    def coverage(self, ags: str) -> int:
        """Length of the longest prefix of `ags` this authority serves; 0 when it does not serve it."""
        return max((len(p) for p in self.serves if ags.startswith(p)), default=0)


class Directory:
    """Authorities and municipalities, loaded once and indexed by AGS, by key and by role."""

    def __init__(self, municipalities: list[Municipality], authorities: list[Authority]) -> None:
        self.municipalities: Mapping[str, Municipality] = {m.ags: m for m in municipalities}
        self.authorities: Mapping[str, Authority] = {a.key: a for a in authorities}
        self.roles: Mapping[str, tuple[Authority, ...]] = {
            role: tuple(a for a in authorities if a.role == role) for role in {a.role for a in authorities}
        }

    def authority(self, key: str) -> Authority | None:
        return self.authorities.get(key)

    def municipality(self, ags: str) -> Municipality | None:
        return self.municipalities.get(ags)

    def responsible(self, role: str, ags: str) -> Authority | None:
        """The authority of `role` that serves `ags` most specifically, or None."""
        best = max(self.roles.get(role, ()), key=lambda a: a.coverage(ags), default=None)
        return best if best is not None and best.coverage(ags) > 0 else None

    @classmethod
    def load(cls, path: Path) -> Directory:
        """Read authorities.toml; an unreadable or inconsistent file raises ConfigError naming entry and field."""
        data = read_toml(path)
        municipalities = [load_model(Municipality, path, "municipality", i, raw)
                          for i, raw in enumerate(data.get("municipality", []))]
        authorities = [load_model(Authority, path, "authority", i, raw)
                       for i, raw in enumerate(data.get("authority", []))]
        seen: set[str] = set()
        for i, authority in enumerate(authorities):
            if authority.key in seen:
                raise ConfigError(path, f"authority[{i}]", "key", f"{authority.key} is listed twice")
            seen.add(authority.key)
        return cls(municipalities, authorities)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML data file as a dict; a missing or broken file raises ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(path, "file", "-", "not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "file", "-", f"not valid TOML: {exc}") from exc


def load_model(model: type[T], path: Path, table: str, index: int, raw: Any) -> T:
    """Validate one table entry, naming file, entry and field on failure."""
    entry = f"{table}[{index}]" + (f" ({raw.get('id') or raw.get('key') or raw.get('ags')})" if isinstance(raw, dict)
                                   else "")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(path, entry, ".".join(str(p) for p in first["loc"]) or "-", first["msg"]) from exc
