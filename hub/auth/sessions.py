"""Browser sessions for a token's grant: a sealed cookie value that every worker of a deployment verifies alone.

A browser cannot send a bearer header, so a person enters the token once and receives a cookie
`<grant id>.<expiry>.<mac>`: the grant id is an HMAC of the token's SHA-256 (so the cookie carries nothing usable
outside this deployment), the expiry a Unix time, the mac an HMAC-SHA256 over both. The key is derived from the
token hashes of the tokens file and a purpose ("schalter", "ops"), so every worker given the same tokens file
verifies a cookie any of them issued, no session is stored anywhere, and changing the tokens file (revoking a
token) ends every session at the next start. The tokens file is therefore as secret as the secrets file.
Logging out removes the cookie from the browser; a copied value stays valid until its expiry, which is short.
Form tokens against cross-site requests are HMACs of the same key, bound to a value in a cookie (signed double
submit), so any worker verifies them as well.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from hub.auth.tokens import Grant, TokenStore

SESSION_LIFETIME_S = 8 * 3600  # one working day at the counter
FORM_LIFETIME_S = 3600  # a login form left open longer is refused and shown again
CLOCK_SKEW_S = 300  # how far the workers' clocks may differ: a session from a worker running ahead still counts


def _mac(key: bytes, *parts: str) -> str:
    return hmac.new(key, "\0".join(parts).encode(), hashlib.sha256).hexdigest()


def derive_key(tokens: TokenStore, purpose: str) -> bytes:
    """The deployment's key for `purpose`: the same on every worker reading the same tokens file."""
    material = "\0".join(["municipal-hub session", purpose, *sorted(tokens.grants)])
    return hashlib.sha256(material.encode()).digest()


class Sessions:
    """Issues and verifies the session cookies of the grants `admits` lets in, and the form tokens that go with them."""

    def __init__(self, tokens: TokenStore, purpose: str, admits: Callable[[Grant], bool], *,
                 clock: Callable[[], float], lifetime_s: int = SESSION_LIFETIME_S) -> None:
        self.key = derive_key(tokens, purpose)
        self.clock, self.lifetime_s = clock, lifetime_s
        self.admits = admits
        self._by_id = {self._grant_id(g): g for g in tokens.grants.values() if admits(g)}

    def _grant_id(self, grant: Grant) -> str:
        return _mac(self.key, "grant", grant.sha256)[:32]

    def issue(self, grant: Grant) -> str:
        """A session value for `grant`, valid for the lifetime from now; ValueError for a grant not admitted."""
        if not self.admits(grant) or self._grant_id(grant) not in self._by_id:
            raise ValueError("this grant may not open a session")
        grant_id, expiry = self._grant_id(grant), str(int(self.clock()) + self.lifetime_s)
        return f"{grant_id}.{expiry}.{_mac(self.key, 'session', grant_id, expiry)}"

    def verify(self, value: str | None) -> Grant | None:
        """The grant of a session value, or None for a missing, forged, expired or revoked one."""
        parts = (value or "").split(".")
        if len(parts) != 3 or not _is_time(parts[1]):
            return None
        grant_id, expiry, mac = parts
        if not _same(mac, _mac(self.key, "session", grant_id, expiry)):
            return None
        if not 0 < int(expiry) - self.clock() <= self.lifetime_s + CLOCK_SKEW_S:
            return None
        return self._by_id.get(grant_id)

    def login_nonce(self) -> str:
        """A fresh value for the cookie the login form is bound to: its expiry and randomness."""
        return f"{int(self.clock()) + FORM_LIFETIME_S}.{secrets.token_urlsafe(18)}"

    def login_token(self, nonce: str) -> str:
        """The login form's token, bound to the nonce in its cookie."""
        return _mac(self.key, "login", nonce)

    def login_ok(self, nonce: str | None, token: str | None) -> bool:
        """Whether a submitted login form belongs to the nonce in the browser's cookie, which has not expired."""
        expiry = (nonce or "").split(".", 1)[0]
        if not nonce or not token or not _is_time(expiry) or int(expiry) < self.clock():
            return False
        return _same(token, self.login_token(nonce))

    def form_token(self, session: str) -> str:
        """The token of a form sent within a session (logging out), bound to the session value."""
        return _mac(self.key, "form", session)

    def form_ok(self, session: str | None, token: str | None) -> bool:
        """Whether a submitted form token belongs to the browser's session value."""
        return bool(session and token) and _same(str(token), self.form_token(str(session)))


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison; any text a browser sends (also non-ASCII) is compared, never raised on."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def _is_time(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 12
