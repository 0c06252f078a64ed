"""Recipient kinds: in some standards the message type names the kind of recipient it is for (XGewerbeanzeige's
sta, abh, alg, …). The routing data maps each kind to the roles that may receive it; a general kind may be
distributed further, as a copy of each recipient's own kind, any other goes to its addressed reader alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub.routing.directory import Directory, load_model
from hub.routing.errors import ConfigError


class RecipientKind(BaseModel):
    """One kind: the roles whose authorities may receive a message of it; `general`: the hub may derive copies of
    it for further recipients (each of its own kind)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    roles: tuple[str, ...] = Field(default=(), description="Directory roles; empty: no such recipient is served.")
    general: bool = False


class Kinds:
    """The recipient kinds of one standard family, and the kind each role's copies are."""

    def __init__(self, kinds: Mapping[str, RecipientKind]) -> None:
        self.kinds = dict(kinds)
        self.by_role = {role: name for name, kind in self.kinds.items() for role in kind.roles}

    def get(self, name: str | None) -> RecipientKind | None:
        return self.kinds.get(name) if name else None

    def of_role(self, role: str) -> str | None:
        """The kind of message an authority of `role` receives, or None when no kind lists the role."""
        return self.by_role.get(role)

    def known(self) -> str:
        return ", ".join(self.kinds)


def load_kinds(path: Path, raw: Mapping[str, Any], directory: Directory) -> dict[str, Kinds]:
    """The [kinds.STANDARD.KIND] tables, checked: roles known to the directory, each role in one kind at most."""
    found: dict[str, Kinds] = {}
    for standard, table in raw.items():
        kinds = {name: load_model(RecipientKind, path, f"kinds.{standard}.{name}", spec)
                 for name, spec in table.items()}
        seen: dict[str, str] = {}
        for name, kind in kinds.items():
            for role in kind.roles:
                entry = f"kinds.{standard}.{name}"
                if role not in directory.roles:
                    raise ConfigError(path, entry, "roles", f"no authority of the directory has role '{role}'")
                if role in seen:
                    raise ConfigError(path, entry, "roles", f"role '{role}' is listed for kind '{seen[role]}' "
                                                            "already; the kind of its copies must be unique")
                seen[role] = name
        found[standard] = Kinds(kinds)
    return found
