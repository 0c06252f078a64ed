"""The directory of authorities: every municipality of the served states from the Destatis code lists, and the
hub's own authority entries (DVDV key, role, what they serve, delivery endpoint), indexed by AGS, ARS and key."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.codelist import Codelist
from hub.delivery.channels import INBOX, DeliveryChannel
from hub.routing.codelists import read_codelist
from hub.routing.errors import ConfigError
from hub.routing.places import Place, PlaceIndex
from topics.keys import AGS_PATTERN, ARS_PATTERN, ascii_digits

T = TypeVar("T", bound=BaseModel)

CODELIST_URIS = {
    "ags": "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags",
    "rs": "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs",
    "kreis": "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:kreis",
    "bundesland": "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland",
}


class Municipality(BaseModel):
    """A Gemeinde with its keys: AGS (8 digits), ARS (12 digits), district (5) and state (2)."""

    model_config = ConfigDict(frozen=True)

    ags: str = Field(pattern=AGS_PATTERN)
    ars: str | None = Field(default=None, pattern=ARS_PATTERN)
    name: str
    district: str
    district_name: str
    state: str
    state_name: str


KEY_PATTERN = r"^[A-Za-z]+:[0-9A-Za-z]+$"


class Identifier(BaseModel):
    """A further key an authority is known by (prefix:key), with the code list that key comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    codelist: str | None = Field(default=None, description="Canonical URI of the code list the key belongs to.")
    codelist_version: str | None = None


class Authority(BaseModel):
    """An authority, its DVDV key, its role, the AGS prefixes it serves and where it receives messages.

    `codelist` names the code list its key belongs to (carried in every copy addressed to it); `identifiers` are
    the keys other code lists use for the same authority, by any of which a message may address it; `provisional`
    marks a key the project chose itself until the DVDV or the code list's publisher confirms it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    name: str
    role: str = Field(min_length=1)
    serves: tuple[str, ...] = Field(min_length=1)
    codelist: str | None = Field(default=None, description="Canonical URI of the code list the key belongs to.")
    codelist_version: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    provisional: bool = Field(default=False, description="The key is the project's own choice, not yet confirmed.")
    delivery: DeliveryChannel = Field(
        default=INBOX, description="How the recipient system receives its messages: inbox (the default: it "
                                   "fetches them from the hub's API), webhook, folder, or kafka (its own topic).")

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key the authority is known by: its own first, then its further identifiers."""
        return (self.key, *(i.key for i in self.identifiers))

    @property
    def praefix(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def kennung(self) -> str:
        return self.key.split(":", 1)[1]

    def coverage(self, ags: str) -> int:
        """Length of the longest prefix of `ags` this authority serves; 0 when it does not serve it."""
        return max((len(p) for p in self.serves if ags.startswith(p)), default=0)


class AuthorityTemplate(BaseModel):
    """One authority per municipality in `scope`, e.g. every town's registration office: `ags:{ags}`.

    `key` and `name` may use {ags}, {name} (the municipality's) and {district_name}; each serves its own AGS.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[A-Za-z]+:[0-9A-Za-z{}]+$")
    name: str
    role: str = Field(min_length=1)
    scope: tuple[str, ...] = Field(min_length=1)
    codelist: str | None = None
    codelist_version: str | None = None
    provisional: bool = False

    def expand(self, municipality: Municipality) -> Authority:
        values = {"ags": municipality.ags, "name": municipality.name, "district_name": municipality.district_name}
        return Authority(key=self.key.format(**values), name=self.name.format(**values), role=self.role,
                         serves=(municipality.ags,), codelist=self.codelist, codelist_version=self.codelist_version,
                         provisional=self.provisional)


class CodelistFiles(BaseModel):
    """File names, below the code list folder, of the Destatis lists the directory is built from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ags: str
    rs: str
    kreis: str
    bundesland: str


class DirectoryFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    states: tuple[str, ...] = Field(min_length=1, description="State keys served, e.g. ['06'] for Hesse.")
    codelists: CodelistFiles


class Directory:
    """Municipalities and authorities, loaded once and indexed by AGS, ARS, key and role."""

    def __init__(self, municipalities: list[Municipality], authorities: list[Authority],
                 versions: Mapping[str, str] | None = None, places: PlaceIndex | None = None) -> None:
        self.municipalities: Mapping[str, Municipality] = {m.ags: m for m in municipalities}
        self.by_ars: Mapping[str, Municipality] = {m.ars: m for m in municipalities if m.ars}
        self.districts: Mapping[str, str] = {m.district: m.district_name for m in municipalities}
        self.states: Mapping[str, str] = {m.state: m.state_name for m in municipalities}
        self.authorities: Mapping[str, Authority] = {a.key: a for a in authorities}
        self.by_identifier: Mapping[str, Authority] = {k: a for a in authorities for k in a.keys}
        by_role: dict[str, list[Authority]] = {}
        for authority in authorities:
            by_role.setdefault(authority.role, []).append(authority)
        self.roles: Mapping[str, tuple[Authority, ...]] = {role: tuple(found) for role, found in by_role.items()}
        # per role, the authority serving each AGS prefix (the first listed wins a tie), so finding the most
        # specific one for a municipality is a few look-ups however large the directory
        self._serving: dict[str, dict[str, Authority]] = {}
        for role, found in by_role.items():
            serving = self._serving.setdefault(role, {})
            for authority in found:
                for prefix in authority.serves:
                    serving.setdefault(prefix, authority)
        self.versions: Mapping[str, str] = dict(versions or {})
        # Every municipality by name, those of other states too (default: only the served ones given here).
        self.places = places if places is not None else PlaceIndex(
            Place(ags=m.ags, name=m.name, state=m.state, state_name=m.state_name, served=True) for m in municipalities)

    def authority(self, key: str) -> Authority | None:
        """The authority known by `key`: its own key or any of its further identifiers."""
        return self.by_identifier.get(key)

    def municipality(self, ags: str) -> Municipality | None:
        return self.municipalities.get(ags)

    def region_name(self, ags: str) -> str | None:
        """Name of the served municipality `ags`, or of the served district or state whose 8-digit key it is
        (e.g. 06431000 Kreis Bergstraße, 06000000 Hessen); None for any other key."""
        if ags in self.municipalities:
            return self.municipalities[ags].name
        if ags[5:] == "000" and ags[:5] in self.districts:
            return self.districts[ags[:5]]
        if ags[2:] == "000000" and ags[:2] in self.states:
            return self.states[ags[:2]]
        return None

    def municipality_by_ars(self, ars: str) -> Municipality | None:
        return self.by_ars.get(ars)

    def responsible(self, role: str, ags: str) -> Authority | None:
        """The authority of `role` that serves `ags` most specifically (its longest matching prefix), or None."""
        serving = self._serving.get(role)
        if not serving:
            return None
        for length in range(len(ags), 0, -1):
            found = serving.get(ags[:length])
            if found is not None:
                return found
        return None

    @classmethod
    def load(cls, path: Path, codelist_dir: Path) -> Directory:
        """Read authorities.toml and the code lists it names; every inconsistency raises a RoutingError."""
        data = read_toml(path)
        meta = load_model(DirectoryFile, path, "[directory]", data.get("directory"))
        lists = {name: read_codelist(codelist_dir / getattr(meta.codelists, name), uri)
                 for name, uri in CODELIST_URIS.items()}
        municipalities = _municipalities(lists, meta.states)
        for state in meta.states:
            if state not in lists["bundesland"].entries:
                raise ConfigError(path, "directory", "states", f"'{state}' is not a state key of the code list")
        authorities = [load_model(Authority, path, entry_name("authority", i, raw), raw)
                       for i, raw in enumerate(data.get("authority", []))]
        for i, raw in enumerate(data.get("authority_per_municipality", [])):
            template = load_model(AuthorityTemplate, path, entry_name("authority_per_municipality", i, raw), raw)
            towns = [m for ags, m in sorted(municipalities.items()) if ags.startswith(template.scope)]
            if not towns:
                raise ConfigError(path, f"authority_per_municipality[{i}]", "scope", "matches no municipality")
            authorities += [template.expand(town) for town in towns]
        served_prefixes = {ags[:n] for ags in municipalities for n in range(1, len(ags) + 1)}
        seen: set[str] = set()
        for i, authority in enumerate(authorities):
            entry = f"authority[{i}] ({authority.key})"
            for key in authority.keys:
                if key in seen:
                    raise ConfigError(path, entry, "key" if key == authority.key else "identifiers",
                                      f"{key} is listed twice")
                seen.add(key)
            for prefix in authority.serves:
                if not ascii_digits(prefix) or prefix not in served_prefixes:
                    raise ConfigError(path, entry, "serves", f"'{prefix}' matches no municipality of the served states")
        versions = {c.uri: c.version for c in lists.values()}
        places = PlaceIndex.of(lists["ags"].entries, lists["bundesland"].entries, meta.states)
        return cls(list(municipalities.values()), authorities, versions, places)


def _municipalities(lists: Mapping[str, Codelist], states: tuple[str, ...]) -> dict[str, Municipality]:
    ars_by_ags = {ars[:5] + ars[9:]: ars for ars in lists["rs"].entries}
    districts, state_names = lists["kreis"].entries, lists["bundesland"].entries
    found = {}
    for ags, name in lists["ags"].entries.items():
        if not ags.startswith(states) or len(ags) != 8:
            continue
        found[ags] = Municipality(ags=ags, ars=ars_by_ags.get(ags), name=name, district=ags[:5],
                                  district_name=districts.get(ags[:5], ags[:5]), state=ags[:2],
                                  state_name=state_names.get(ags[:2], ags[:2]))
    return found


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML data file as a dict; a missing or broken file raises ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(path, "file", "-", "not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "file", "-", f"not valid TOML: {exc}") from exc


def entry_name(table: str, index: int, raw: Any) -> str:
    """How an error names the `index`th entry of `table`: with its id or key when it has one."""
    label = (raw.get("id") or raw.get("key")) if isinstance(raw, dict) else None
    return f"{table}[{index}]" + (f" ({label})" if label else "")


def load_model(model: type[T], path: Path, entry: str, raw: Any) -> T:
    """Validate one table entry, naming file, entry and field on failure."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(path, entry, ".".join(str(p) for p in first["loc"]) or "-", first["msg"]) from exc
