"""Plain German labels for the citizen's view of a certificate case: (message kind, hub step) → label.

The table is data (labels.toml next to this module), read once per process and checked: every step must be one the
hub records and every kind one this connector gives.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.civil_status.model import DELIVERY, REQUEST
from topics.envelope import Status

LABELS_FILE = Path(__file__).with_name("labels.toml")
KINDS = (REQUEST, DELIVERY)


class LabelTableError(RuntimeError):
    """The label table is unreadable or names an unknown kind or step: a deployment fault, not a bad message."""


class Label(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    step: Status
    label: str = Field(min_length=1)


def read_labels(path: Path) -> Mapping[tuple[str, Status], str]:
    """The table in `path`, by (kind, step); LabelTableError names the entry at fault."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle).get("label", [])
        entries = [Label.model_validate(entry) for entry in raw]
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise LabelTableError(f"label table {path} is invalid: {exc}") from exc
    table: dict[tuple[str, Status], str] = {}
    for entry in entries:
        if entry.kind not in KINDS:
            raise LabelTableError(f"label table {path}: kind {entry.kind!r} is none of {', '.join(KINDS)}")
        if (entry.kind, entry.step) in table:
            raise LabelTableError(f"label table {path}: {entry.kind} / {entry.step.value} is listed twice")
        table[(entry.kind, entry.step)] = entry.label
    return MappingProxyType(table)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _cached() -> Mapping[tuple[str, Status], str]:
    return read_labels(LABELS_FILE)


def labels() -> Mapping[tuple[str, Status], str]:
    """The label table, read once per process."""
    with _lock:
        return _cached()


def citizen_label(kinds: Sequence[str], step: Status | str) -> str | None:
    """The label the citizen sees when a message of `kinds` (an envelope's kinds) reaches `step`, or None.

    `step` is a hub status (ValueError for any other string); the first of `kinds` with an entry wins.
    """
    table = labels()
    status = Status(step)
    return next((table[(kind, status)] for kind in kinds if (kind, status) in table), None)
