"""The rules file: which roles receive which messages, how message-dependent roles resolve, what each may see.

`Rules.load` checks everything against the directory, so a hub whose rules cannot route starts no worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.delivery.channels import KafkaChannel
from hub.routing.directory import Directory, entry_name, load_model, read_toml
from hub.routing.errors import ConfigError
from hub.routing.kinds import Kinds, load_kinds
from topics.keys import ascii_digits

EVERYTHING = "**"


class Rule(BaseModel):
    """Messages of `standard` and one of `kinds`, for a municipality in `scope`, go to `recipients` (roles)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    standard: str
    kinds: tuple[str, ...] = Field(min_length=1)
    scope: tuple[str, ...] = Field(min_length=1, description="AGS prefixes: municipality, district or state.")
    recipients: tuple[str, ...] = Field(min_length=1)
    reader_must_match: bool = Field(
        default=False,
        description="The addressed reader must be one of this rule's recipients; the sender's claim alone is not "
                    "trusted with personal data.",
    )
    recipient_kinds: tuple[str, ...] = Field(
        default=(), description="Recipient kinds (see [kinds]) the rule applies to; empty: every kind.")

    def applies(self, standard: str, kinds: tuple[str, ...], ags: str, recipient_kind: str | None = None) -> bool:
        return (standard == self.standard and any(k in self.kinds for k in kinds)
                and any(ags.startswith(prefix) for prefix in self.scope)
                and (not self.recipient_kinds or recipient_kind in self.recipient_kinds))


class Choice(BaseModel):
    """One branch of a message-dependent role; without `attribute` it always matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    attribute: str | None = None
    equals: str | None = None

    def matches(self, attributes: Mapping[str, str]) -> bool:
        return self.attribute is None or attributes.get(self.attribute) == self.equals


class DerivedRole(BaseModel):
    """A role named in rules that stands for a directory role chosen by the message.

    `when` picks the directory role by a message attribute (first match wins); `role` names it outright.
    `ags_from` resolves it for the municipality in that attribute (e.g. the previous address) instead of the
    municipality concerned. `place_from` resolves it for the place NAME in that attribute (e.g. the entry's place of a
    certificate request), trusting the addressed reader only where that place does not contradict it
    (hub/routing/by_place.py); an attribute `<place_from>_feld` may name the element it came from.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    role: str | None = None
    when: tuple[Choice, ...] = ()
    ags_from: str | None = None
    place_from: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DerivedRole:
        if (self.role is None) == (not self.when):
            raise ValueError("give either 'role' or 'when'")
        if self.ags_from is not None and self.place_from is not None:
            raise ValueError("give at most one of 'ags_from' and 'place_from'")
        return self

    @property
    def candidates(self) -> tuple[str, ...]:
        return (self.role,) if self.role else tuple(c.role for c in self.when)

    def resolve(self, attributes: Mapping[str, str]) -> str | None:
        return self.role or next((c.role for c in self.when if c.matches(attributes)), None)


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

    def __init__(self, rules: list[Rule], roles: Mapping[str, DerivedRole], policies: Mapping[str, Policy],
                 path: Path | None = None, streams: Mapping[str, tuple[str, ...]] | None = None,
                 kinds: Mapping[str, Kinds] | None = None, routed_as: Mapping[str, str] | None = None) -> None:
        self.rules = tuple(rules)
        self.roles = dict(roles)
        self.policies = dict(policies)
        self.path = path
        self.streams = dict(streams or {})
        self.kinds = dict(kinds or {})
        self.routed_as = dict(routed_as or {})

    def family(self, standard: str) -> str:
        """The standard whose rules, kinds and streams route `standard` ([routed_as]), or `standard` itself."""
        return self.routed_as.get(standard, standard)

    def kinds_of(self, standard: str) -> Kinds | None:
        """The recipient kinds of `standard`'s family, when its message types name them."""
        return self.kinds.get(self.family(standard))

    def stream_roles(self, standard: str) -> set[str]:
        """Directory roles that can receive `standard`: all its family's rules name, plus those in [streams]."""
        family = self.family(standard)
        named = {c for rule in self.rules if rule.standard == family
                 for role in rule.recipients for c in self.concrete_roles(role)}
        return named | set(self.streams.get(family, ()))

    def standards(self) -> list[str]:
        return sorted({rule.standard for rule in self.rules} | set(self.streams))

    def kafka_recipients(self, directory: Directory) -> dict[str, list[str]]:
        """Per standard, the authorities that read Kafka themselves and so get a topic of their own for it."""
        return {s: sorted(a.key for a in directory.authorities.values()
                          if a.role in self.stream_roles(s) and isinstance(a.delivery, KafkaChannel))
                for s in self.standards()}

    def concrete_roles(self, role: str) -> tuple[str, ...]:
        """Every directory role `role` can stand for."""
        derived = self.roles.get(role)
        return derived.candidates if derived else (role,)

    @classmethod
    def load(cls, path: Path, directory: Directory) -> Rules:
        """Read rules.toml; unknown roles, roles without policy or authority, and bad scopes raise ConfigError."""
        data = read_toml(path)
        rules = [load_model(Rule, path, entry_name("rule", i, raw), raw) for i, raw in enumerate(data.get("rule", []))]
        roles = {name: load_model(DerivedRole, path, f"role.{name}", raw) for name, raw in data.get("role", {}).items()}
        policies = {name: load_model(Policy, path, f"policy.{name}", raw)
                    for name, raw in data.get("policy", {}).items()}
        streams = {standard: tuple(roles_) for standard, roles_ in data.get("streams", {}).items()}
        kinds = load_kinds(path, data.get("kinds", {}), directory)
        routed_as = {str(k): str(v) for k, v in data.get("routed_as", {}).items()}
        loaded = cls(rules, roles, policies, path, streams, kinds, routed_as)
        loaded._check(path, directory)
        return loaded

    def _check(self, path: Path, directory: Directory) -> None:
        known = set(directory.roles)
        for standard, family in self.routed_as.items():
            if family in self.routed_as or family == standard:
                raise ConfigError(path, f"routed_as.{standard}", standard, f"'{family}' must be a routed standard")
        for name, role_def in self.roles.items():
            for concrete in role_def.candidates:
                if concrete not in known:
                    raise ConfigError(path, f"role.{name}", "role" if role_def.role else "when.role",
                                      f"no authority of the directory has role '{concrete}'")
        for standard, stream_roles in self.streams.items():
            for role in stream_roles:
                if role not in known:
                    raise ConfigError(path, f"streams.{standard}", standard, f"no authority has role '{role}'")
        ids = [rule.id for rule in self.rules]
        for rule in self.rules:
            entry = f"rule {rule.id}"
            if ids.count(rule.id) > 1:
                raise ConfigError(path, entry, "id", f"the id '{rule.id}' is used twice")
            in_scope = [ags for ags in directory.municipalities if any(ags.startswith(p) for p in rule.scope)]
            for prefix in rule.scope:
                if not ascii_digits(prefix) or not any(ags.startswith(prefix) for ags in in_scope):
                    raise ConfigError(path, entry, "scope", f"'{prefix}' matches no municipality of the directory")
            for role in rule.recipients:
                if role not in known and role not in self.roles:
                    raise ConfigError(path, entry, "recipients", f"unknown role '{role}'")
                derived = self.roles.get(role)
                for concrete in self.concrete_roles(role):
                    if concrete not in self.policies:
                        raise ConfigError(path, entry, "recipients", f"role '{concrete}' has no [policy.{concrete}]")
                    if derived is not None and (derived.ags_from or derived.place_from):
                        continue  # resolved for a municipality the message names; checked when it arrives
                    gap = next((ags for ags in in_scope if directory.responsible(concrete, ags) is None), None)
                    if gap is not None:
                        town = directory.municipalities[gap]
                        raise ConfigError(path, entry, "recipients",
                                          f"role '{concrete}' resolves to no authority for {town.name} ({gap})")
            self._check_kinds(path, rule)

    def _check_kinds(self, path: Path, rule: Rule) -> None:
        """A rule's recipient kinds exist; each of its roles has a kind for its copies; a rule for a kind that goes
        to its addressed reader alone names only that kind's roles and demands that the reader match them."""
        entry = f"rule {rule.id}"
        kinds = self.kinds.get(rule.standard)
        if kinds is None:
            if rule.recipient_kinds:
                raise ConfigError(path, entry, "recipient_kinds", f"{rule.standard} declares no [kinds]")
            return
        for name in rule.recipient_kinds:
            kind = kinds.get(name)
            if kind is None:
                raise ConfigError(path, entry, "recipient_kinds", f"unknown kind '{name}' (known: {kinds.known()})")
            if kind.general:
                continue
            if not rule.reader_must_match:
                raise ConfigError(path, entry, "reader_must_match", f"kind '{name}' goes to its addressed reader "
                                                                    "alone; the rule must demand that it match")
            for role in rule.recipients:
                stray = [c for c in self.concrete_roles(role) if c not in kind.roles]
                if stray:
                    raise ConfigError(path, entry, "recipients", f"role '{stray[0]}' may not receive kind '{name}'")
        for role in rule.recipients:
            for concrete in self.concrete_roles(role):
                if kinds.of_role(concrete) is None:
                    raise ConfigError(path, entry, "recipients", f"role '{concrete}' belongs to no kind of "
                                                                 f"[kinds.{rule.standard}]; its copies need one")
