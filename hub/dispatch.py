"""Serving recipients' outbound streams through their delivery channel, and pushing status to the portal.

A webhook attempt that fails is never waited for in line: it goes to the retry topic with its state in the
`hub-delivery` header, so a slow or dead recipient never holds up the others. After the channel's last attempt
the message is parked with the last error and the case shows `failed`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import aiohttp
from pydantic import BaseModel, ConfigDict

from hub.delivery.channels import FolderChannel, InboxChannel, Secrets, WebhookChannel
from hub.delivery.folder import message_filename, write_atomically
from hub.delivery.retry import RetryPolicy
from hub.delivery.signing import idempotency_key, signed_headers
from hub.delivery.webhook import post_message
from hub.service import Hub, Origin
from monitoring.metrics import DELIVERY_ATTEMPTS
from topics.envelope import ENVELOPE_HEADER, DeadLetter, Envelope, Status, StatusEvent, from_headers, to_header

log = logging.getLogger(__name__)
DELIVERY_HEADER = "hub-delivery"
PORTAL = "portal"
PORTAL_ATTEMPTS = 6


class Attempt(BaseModel):
    """A delivery between two attempts: whom it is for, how often it was tried, when to try next, what failed."""

    model_config = ConfigDict(frozen=True)

    target: Literal["recipient", "portal"]
    recipient: str | None = None
    message_id: str
    case_id: str
    standard: str | None = None
    attempts: int
    due_at: float
    last_error: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class InboxOffer:
    """A message for a recipient's pull inbox; the agent applies it to the inbox table."""

    authority: str
    envelope: Envelope
    payload: bytes


class Dispatcher:
    """Delivers one outbound record, one retry or one status push; state lives in Kafka, not here."""

    def __init__(self, hub: Hub, secrets: Secrets | None, *, retry_base_s: float, retry_max_delay_s: float,
                 clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> None:
        self.hub = hub
        self.directory = hub.routing.directory
        self.secrets = secrets
        self.retry_base_s = retry_base_s
        self.retry_max_delay_s = retry_max_delay_s
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311  (spreads retries; no secret depends on it)

    def policy(self, max_attempts: int) -> RetryPolicy:
        return RetryPolicy(base_s=self.retry_base_s, max_delay_s=max(self.retry_max_delay_s, self.retry_base_s),
                           max_attempts=max_attempts)

    async def serve(self, payload: bytes, headers: Sequence[tuple[str, bytes]], origin: Origin) -> InboxOffer | None:
        """Deliver one record of a recipient's outbound stream through that recipient's channel."""
        envelope = from_headers(headers, ENVELOPE_HEADER, Envelope)
        authority = self.directory.authority(envelope.recipient) if envelope and envelope.recipient else None
        if envelope is None or authority is None or authority.delivery is None:
            return None
        channel = authority.delivery
        if isinstance(channel, InboxChannel):
            return InboxOffer(authority.key, envelope, payload)
        error = await self._attempt(channel, authority.key, envelope.message_id, envelope.case_id, payload)
        if error is None:
            await self._delivered(envelope.case_id, envelope.message_id, envelope.standard, authority.key, channel)
            return None
        max_attempts = channel.max_attempts if isinstance(channel, WebhookChannel) else PORTAL_ATTEMPTS
        state = Attempt(target="recipient", recipient=authority.key, message_id=envelope.message_id,
                        case_id=envelope.case_id, standard=envelope.standard, attempts=1, due_at=0.0,
                        last_error=error, topic=origin.topic, partition=origin.partition, offset=origin.offset)
        await self._next(state, payload, max_attempts)
        return None

    async def retry(self, payload: bytes, headers: Sequence[tuple[str, bytes]]) -> None:
        """One record of the retry topic: wait until it is due, try again, then schedule, accept or park."""
        state = from_headers(headers, DELIVERY_HEADER, Attempt)
        if state is None:
            log.warning("retry record without delivery state ignored")
            return
        wait = min(state.due_at - self.clock(), self.retry_max_delay_s)
        if wait > 0:
            await asyncio.sleep(wait)
        if state.target == PORTAL:
            error = await self._push(payload, state.case_id, state.message_id)
            max_attempts = PORTAL_ATTEMPTS
        else:
            authority = self.directory.authority(state.recipient or "")
            if authority is None or authority.delivery is None or isinstance(authority.delivery, InboxChannel):
                log.warning("case %s: %s has no deliverable channel any more", state.case_id, state.recipient)
                return
            channel = authority.delivery
            error = await self._attempt(channel, authority.key, state.message_id, state.case_id, payload)
            max_attempts = channel.max_attempts if isinstance(channel, WebhookChannel) else PORTAL_ATTEMPTS
            if error is None:
                await self._delivered(state.case_id, state.message_id, state.standard, authority.key, channel)
                return
        if error is not None:
            await self._next(state.model_copy(update={"attempts": state.attempts + 1, "last_error": error}),
                             payload, max_attempts)

    async def push_status(self, event: StatusEvent) -> None:
        """Send one status event to the portal webhook, if one is configured; failures go to the retry topic."""
        if self.secrets is None or self.secrets.portal is None:
            return
        body = event.model_dump_json().encode()
        message_id = f"{event.case_id}:{event.status.value}:{event.at.isoformat()}:{event.recipient or ''}"
        error = await self._push(body, event.case_id, message_id)
        if error is not None:
            state = Attempt(target="portal", message_id=message_id, case_id=event.case_id, attempts=1, due_at=0.0,
                            last_error=error)
            await self._next(state, body, PORTAL_ATTEMPTS)

    async def _next(self, state: Attempt, payload: bytes, max_attempts: int) -> None:
        policy = self.policy(max_attempts)
        if policy.exhausted(state.attempts):
            await self._give_up(state, payload)
            return
        due = self.clock() + policy.delay(state.attempts, self.rng)
        key = state.recipient or PORTAL
        await self.hub.send(self.hub.catalogue.delivery_retry(key), key.encode(), payload,
                            [to_header(DELIVERY_HEADER, state.model_copy(update={"due_at": due}))])

    async def _give_up(self, state: Attempt, payload: bytes) -> None:
        who = state.recipient or "the portal"
        record = DeadLetter(reason_code="delivery.failed", reason=f"{state.attempts} attempts to deliver to {who} "
                            f"failed; last error: {state.last_error}", case_id=state.case_id,
                            message_id=state.message_id, origin="delivery" if state.recipient else "portal-push",
                            topic=state.topic, partition=state.partition, offset=state.offset,
                            attempts=state.attempts, recipient=state.recipient, standard=state.standard)
        await self.hub.park_record(payload, record)
        if state.recipient:
            await self.hub.status(StatusEvent(case_id=state.case_id, status=Status.FAILED,
                                              message_id=state.message_id, standard=state.standard,
                                              recipient=state.recipient, reason=record.reason))

    async def _delivered(self, case_id: str, message_id: str, standard: str | None, recipient: str,
                         channel: WebhookChannel | FolderChannel) -> None:
        """File the delivery; a webhook's 2xx is also the recipient's acknowledgement, a folder gives none."""
        statuses = (Status.DELIVERED, Status.ACCEPTED) if isinstance(channel, WebhookChannel) else (Status.DELIVERED,)
        for status in statuses:
            await self.hub.status(StatusEvent(case_id=case_id, status=status, message_id=message_id,
                                              standard=standard, recipient=recipient))

    async def _attempt(self, channel: WebhookChannel | FolderChannel, recipient: str, message_id: str,
                       case_id: str, payload: bytes) -> str | None:
        """One delivery attempt; the error text, or None on success."""
        error = await self._try(channel, recipient, message_id, case_id, payload)
        DELIVERY_ATTEMPTS.labels(channel.channel, "ok" if error is None else "failed").inc()
        return error

    async def _try(self, channel: WebhookChannel | FolderChannel, recipient: str, message_id: str,
                   case_id: str, payload: bytes) -> str | None:
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
        async with aiohttp.ClientSession() as session:
            outcome = await post_message(session, channel.url, payload, headers, timeout_s=channel.timeout_s)
        return None if outcome.ok else outcome.error or f"HTTP {outcome.status}"

    async def _push(self, body: bytes, case_id: str, message_id: str) -> str | None:
        portal, secret = (self.secrets.portal, self.secrets.portal_secret()) if self.secrets else (None, None)
        if portal is None or secret is None:
            return None
        try:
            headers = signed_headers(secret, body, message_id=message_id, case_id=case_id,
                                     idempotency_key=idempotency_key(message_id, PORTAL), now=int(self.clock()),
                                     content_type="application/json")
        except ValueError as exc:
            return f"cannot sign for the portal: {exc}"
        async with aiohttp.ClientSession() as session:
            outcome = await post_message(session, portal.url, body, headers, timeout_s=5.0)
        DELIVERY_ATTEMPTS.labels(PORTAL, "ok" if outcome.ok else "failed").inc()
        return None if outcome.ok else outcome.error or f"HTTP {outcome.status}"
