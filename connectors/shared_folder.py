"""The folder of read-only XÖV schemas and code lists (HUB_SHARED_DIR) for connectors that read schema files.

The hub passes it in; a connector made without it falls back to the hub's settings, read in this one place.
"""

from __future__ import annotations

from pathlib import Path


def shared_folder(given: Path | None) -> Path:
    """`given`, or the configured shared folder when the caller passed none."""
    if given is not None:
        return given
    from hub.settings import get_settings  # connectors never import hub at module level

    return get_settings().shared_dir
