"""The citizen's wording of a case, as data (`data/labels.toml`): step labels per standard, kind and hub step,
plain words for code-list jargon, what the citizen must do, and the name of each procedure.

Read once per process and checked when loaded, so a broken table stops the hub at start, not a citizen's request.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from topics.envelope import Status

LABELS_FILE = Path(__file__).with_name("data") / "labels.toml"
ANY = "*"
_FIELD = re.compile(r"\{([a-z_]+)\}")


class LabelTableError(RuntimeError):
    """The label table is unreadable or inconsistent: a deployment fault, named with the entry at fault."""


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    standard: str
    kind: str = ANY


class StepLabel(_Entry):
    step: Status
    label: str = Field(min_length=1)


class Procedure(_Entry):
    name: str = Field(min_length=1)
    authority: Literal["author", "reader"]


E = TypeVar("E", bound=_Entry)


class Labels(BaseModel):
    """The table, with look-ups that prefer a kind's own entry over the standard's "*" entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: tuple[StepLabel, ...] = ()
    plain: Mapping[str, str] = Field(default_factory=dict)
    action: Mapping[str, str] = Field(default_factory=dict)
    procedure: tuple[Procedure, ...] = ()
    words: Mapping[str, Mapping[str, str]] = Field(default_factory=dict)

    def step(self, standard: str, kinds: Sequence[str], step: Status | str, facts: Mapping[str, str]) -> str | None:
        """The plain label of a hub step of a message, or None when the citizen need not see that step."""
        found = _best(self.label, standard, kinds, lambda e: e.step.value == str(Status(step).value))
        if found is None:
            return None
        text = fill(found.label, facts)
        if not text:
            return None
        return self.plain.get(text, text)

    def of_entry(self, entry: Mapping[str, Any], received: Mapping[str, Any] | None) -> str | None:
        """The plain label of a timeline entry, from its message's received entry (kinds and facts)."""
        if received is None:
            return None
        return self.step(str(received.get("standard", "")), received.get("kinds", ()), entry["status"],
                         dict(received.get("facts", {})))

    def todo(self, label: str, facts: Mapping[str, str]) -> str | None:
        """What the citizen must do after a step with `label`, if anything."""
        template = self.action.get(label)
        return fill(template, facts) if template else None

    def procedure_of(self, standard: str, kinds: Sequence[str]) -> Procedure | None:
        return _best(self.procedure, standard, kinds, lambda _e: True)

    def name(self, procedure: Procedure, facts: Mapping[str, str]) -> str:
        worded = {k: self.words.get(k, {}).get(v, v) for k, v in facts.items()}
        return fill(procedure.name, worded) or procedure.name


def _best(entries: Sequence[E], standard: str, kinds: Sequence[str], also: Callable[[E], bool]) -> E | None:
    matching = [e for e in entries if e.standard == standard and also(e)]
    return next((e for e in matching if e.kind in kinds), None) or next((e for e in matching if e.kind == ANY), None)


def fill(template: str, facts: Mapping[str, str]) -> str:
    """The template with its {fields} from `facts`; a missing fact drops its field and the words around it stay."""
    text = _FIELD.sub(lambda m: facts.get(m.group(1), ""), template)
    return re.sub(r"\s+([,.:])", r"\1", " ".join(text.split())).strip(" ,")


@lru_cache(maxsize=1)
def labels() -> Labels:
    return load(LABELS_FILE)


def load(path: Path) -> Labels:
    """The table in `path`; LabelTableError names the entry at fault."""
    try:
        with path.open("rb") as handle:
            table = Labels.model_validate(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise LabelTableError(f"label table {path} is invalid: {exc}") from exc
    seen: set[tuple[str, str, str]] = set()
    for entry in table.label:
        key = (entry.standard, entry.kind, entry.step.value)
        if key in seen:
            raise LabelTableError(f"label table {path}: {' / '.join(key)} is listed twice")
        seen.add(key)
    return table
