"""The rules file: which roles receive which messages, how message-dependent roles resolve, what each may see."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hub.routing.directory import Directory, load_model, read_toml
from hub.routing.errors import ConfigError

EVERYTHING = "**"


class Rule(BaseModel):
    """Messages of `standard` and one of `kinds`, for a municipality in `scope`, go to `recipients` (roles)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    standard: str
    kinds: tuple[str, ...] = Field(min_length=1)
    scope: tuple[str, ...] = Field(min_length=1, description="AGS prefixes: municipality, district or state.")
    recipients: tuple[str, ...] = Field(min_length=1)

    def applies(self, standard: str, kinds: tuple[str, ...], ags: str) -> bool:
        return (standard == self.standard and any(k in self.kinds for k in kinds)
                and any(ags.startswith(prefix) for prefix in self.scope))


class Choice(BaseModel):
    """One branch of a message-dependent role; without `attribute` it always matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    attribute: str | None = None
    equals: str | None = None

    def matches(self, attributes: Mapping[str, str]) -> bool:
        return self.attribute is None or attributes.get(self.attribute) == self.equals


class DerivedRole(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    when: tuple[Choice, ...] = Field(min_length=1)

    def resolve(self, attributes: Mapping[str, str]) -> str | None:
        return next((c.role for c in self.when if c.matches(attributes)), None)


class Policy(BaseModel):
    """Data minimisation for one recipient role: the element paths it may receive; everything else is removed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    keep: tuple[str, ...] = Field(min_length=1)

    @property
    def everything(self) -> bool:
        return EVERYTHING in self.keep


class Rules:
    """Rules, derived roles and policies, checked against the directory when loaded."""

    def __init__(self, rules: list[Rule], roles: Mapping[str, DerivedRole], policies: Mapping[str, Policy]) -> None:
        self.rules = tuple(rules)
        self.roles = dict(roles)
        self.policies = dict(policies)

    def concrete_roles(self, role: str) -> set[str]:
        """Every directory role `role` can stand for."""
        derived = self.roles.get(role)
        return {c.role for c in derived.when} if derived else {role}

    @classmethod
    def load(cls, path: Path, directory: Directory) -> Rules:
        """Read rules.toml; an unknown role, a role without policy or a bad scope raises ConfigError."""
        data = read_toml(path)
        rules = [load_model(Rule, path, "rule", i, raw) for i, raw in enumerate(data.get("rule", []))]
        roles = {name: load_model(DerivedRole, path, "role", 0, raw) for name, raw in data.get("role", {}).items()}
        policies = {name: load_model(Policy, path, "policy", 0, raw) for name, raw in data.get("policy", {}).items()}
        loaded = cls(rules, roles, policies)
        known_roles = set(directory.roles)
        for name, derived in roles.items():
            for choice in derived.when:
                if choice.role not in known_roles:
                    raise ConfigError(path, f"role.{name}", "when.role", f"no authority has role '{choice.role}'")
        for rule in rules:
            entry = f"rule {rule.id}"
            for role in rule.recipients:
                if role not in known_roles and role not in roles:
                    raise ConfigError(path, entry, "recipients", f"unknown role '{role}'")
                for concrete in loaded.concrete_roles(role):
                    if concrete not in policies:
                        raise ConfigError(path, entry, "recipients", f"role '{concrete}' has no [policy.{concrete}]")
            for prefix in rule.scope:
                if not prefix.isdigit() or not any(ags.startswith(prefix) for ags in directory.municipalities):
                    raise ConfigError(path, entry, "scope", f"'{prefix}' matches no municipality of the directory")
        return loaded
