"""API tokens and what each system may act for. Every failure an operator can act on is an `AuthError`."""

from __future__ import annotations


class AuthError(Exception):
    """Root of the token package's errors; the message names the file, entry or key concerned."""
