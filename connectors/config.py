"""What connectors need from the deployment, handed in by the caller: connectors never read settings themselves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConnectorConfig:
    """Folders the connectors read schemas and code lists from.

    `shared_dir` holds the official schemas and code lists distributed with the hub (read-only); `schema_dir`, when
    set, holds XSDs the operator installs for standards whose schemas cannot be distributed, laid out
    `<schema_dir>/<standard>/<version>/*.xsd`. `validate` False reads a message without checking it against its
    schemas or content model again: only for records the hub itself accepted and checked (read once, validated once).
    """

    shared_dir: Path
    schema_dir: Path | None = None
    validate: bool = True
