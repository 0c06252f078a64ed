"""Errors particular to XMeld: schemas that cannot be loaded as the version table says."""

from __future__ import annotations

from connectors.xsd import SchemaSetupError


class SchemaUnavailable(SchemaSetupError):
    """The XSDs a version table entry names are missing or inconsistent with it: a deployment fault, not a bad message.
    """
