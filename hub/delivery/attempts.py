"""One delivery attempt over a recipient's channel (webhook or folder), and one status push to the portal.

One HTTP client session per worker, opened on first use and closed when the worker stops. An attempt never raises
for the recipient's trouble: it returns the error text (without payload or secrets), or None on success.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aiohttp

from hub.delivery.channels import FolderChannel, Secrets, WebhookChannel
from hub.delivery.folder import message_filename, write_atomically
from hub.delivery.signing import idempotency_key, signed_headers
from hub.delivery.webhook import post_message
from monitoring.metrics import DELIVERY_ATTEMPTS

PORTAL = "portal"
PORTAL_TIMEOUT_S = 5.0


class ChannelClient:
    """Performs attempts over one HTTP session; `close` after the last."""

    def __init__(self, secrets: Secrets | None, clock: Callable[[], float] = time.time) -> None:
        self.secrets = secrets
        self.clock = clock
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The worker's session; opened on first use, inside the running event loop."""
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
        return self._session

    async def attempt(self, channel: WebhookChannel | FolderChannel, recipient: str, message_id: str, case_id: str,
                      payload: bytes) -> str | None:
        """One attempt; the error text, or None once the copy is delivered."""
        error = await self._try(channel, recipient, message_id, case_id, payload)
        DELIVERY_ATTEMPTS.labels(channel.channel, "ok" if error is None else "failed").inc()
        return error

    async def _try(self, channel: WebhookChannel | FolderChannel, recipient: str, message_id: str, case_id: str,
                   payload: bytes) -> str | None:
        if isinstance(channel, FolderChannel):
            try:
                await asyncio.to_thread(write_atomically, channel.path,
                                        message_filename(case_id, message_id, recipient), payload)
            except OSError as exc:
                return f"folder {channel.path}: {exc.strerror or type(exc).__name__}"
            return None
        if self.secrets is None:
            return f"no secrets file: cannot sign for {recipient}"
        try:
            headers = signed_headers(self.secrets.secret_for(channel), payload, message_id=message_id,
                                     case_id=case_id, idempotency_key=idempotency_key(message_id, recipient),
                                     now=int(self.clock()))
        except ValueError as exc:  # a missing secret entry or an id unfit for a header: no attempt is possible
            return f"cannot sign for {recipient}: {exc}"
        outcome = await post_message(self.session, channel.url, payload, headers, timeout_s=channel.timeout_s)
        return None if outcome.ok else outcome.error or f"HTTP {outcome.status}"

    @property
    def portal_configured(self) -> bool:
        return self.secrets is not None and self.secrets.portal is not None

    async def push(self, body: bytes, case_id: str, push_id: str) -> str | None:
        """POST one status event (JSON) to the portal webhook, signed like a delivery; None when it answered 2xx."""
        portal, secret = (self.secrets.portal, self.secrets.portal_secret()) if self.secrets else (None, None)
        if portal is None or secret is None:
            return None
        try:
            headers = signed_headers(secret, body, message_id=push_id, case_id=case_id,
                                     idempotency_key=idempotency_key(push_id, PORTAL), now=int(self.clock()),
                                     content_type="application/json")
        except ValueError as exc:
            return f"cannot sign for the portal: {exc}"
        outcome = await post_message(self.session, portal.url, body, headers, timeout_s=PORTAL_TIMEOUT_S)
        DELIVERY_ATTEMPTS.labels(PORTAL, "ok" if outcome.ok else "failed").inc()
        return None if outcome.ok else outcome.error or f"HTTP {outcome.status}"
