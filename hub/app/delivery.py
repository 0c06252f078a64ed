"""Agents that serve recipients through their channels: delivery, retries, inbox acknowledgements, portal push."""

from __future__ import annotations

from typing import Any

import faust

from hub.app.records import record_headers
from hub.delivery.channels import Secrets, SecretsError, WebhookChannel, load_secrets
from hub.dispatch import PORTAL, Dispatcher
from hub.inbox.state import Inbox, acknowledge, offer
from hub.pipeline import Routing
from hub.service import Hub, Origin
from hub.settings import Settings
from topics.envelope import Status, StatusEvent


def served_streams(routing: Routing) -> list[tuple[str, str]]:
    """(outbound topic, authority) of every recipient the hub serves itself: those with a delivery channel."""
    directory, catalogue = routing.directory, routing.catalogue
    streams = []
    for standard, keys in routing.rules.outbound_streams(directory).items():
        for key in keys:
            authority = directory.authority(key)
            if authority is not None and authority.delivery is not None:
                streams.append((catalogue.outbound(standard, key), key))
    return streams


def retry_recipients(routing: Routing) -> list[str]:
    """Everyone with a retry stream: each served recipient, and the portal push."""
    return sorted({key for _topic, key in served_streams(routing)} | {PORTAL})


def check_secrets(hub: Hub, secrets: Secrets | None) -> None:
    """Every webhook channel has its secret, so no delivery fails for want of one; SecretsError names it."""
    for authority in hub.routing.directory.authorities.values():
        if isinstance(authority.delivery, WebhookChannel):
            if secrets is None:
                raise SecretsError(None, f"authority {authority.key}", "has a webhook but HUB_SECRETS_FILE is unset")
            secrets.secret_for(authority.delivery)


def wire_delivery(app: faust.App, hub: Hub, inboxes: Any, status_topic: Any, settings: Settings) -> None:
    secrets = load_secrets(settings.secrets_file) if settings.secrets_file else None
    check_secrets(hub, secrets)
    dispatcher = Dispatcher(hub, secrets, retry_base_s=settings.retry_base_s,
                            retry_max_delay_s=settings.retry_max_delay_s)

    async def deliver(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            offered = await dispatcher.serve(event.value or b"", record_headers(message.headers),
                                             Origin(message.topic, message.partition, message.offset))
            if offered is not None:
                key = offered.authority.encode()
                before = Inbox.model_validate(inboxes[key])
                inbox = offer(before, offered.envelope, offered.payload)
                if inbox != before:  # a replayed or repeated record is not offered twice
                    inboxes[key] = inbox.model_dump(mode="json")
                    await hub.status(StatusEvent(
                        case_id=offered.envelope.case_id, status=Status.DELIVERED,
                        message_id=offered.envelope.message_id, standard=offered.envelope.standard,
                        message_type=offered.envelope.message_type, recipient=offered.authority))

    async def retry(stream: Any) -> None:
        async for event in stream.events():
            await dispatcher.retry(event.value or b"", record_headers(event.message.headers))

    # One agent per served recipient's stream and per retry stream: a slow or dead recipient holds up only itself.
    for topic, _key in served_streams(hub.routing):
        channel = app.topic(topic, key_serializer="raw", value_serializer="raw", allow_empty=True)
        app.agent(channel, concurrency=1, name=f"deliver-{topic}")(deliver)
    for recipient in retry_recipients(hub.routing):
        topic = hub.catalogue.delivery_retry(recipient)
        channel = app.topic(topic, key_serializer="raw", value_serializer="raw", allow_empty=True)
        app.agent(channel, concurrency=1, name=f"retry-{topic}")(retry)

    acks = app.topic(hub.catalogue.inbox_acks, key_serializer="raw", value_serializer="raw")

    @app.agent(acks, concurrency=1, name="inbox-acks")
    async def acknowledge_inbox(stream: Any) -> None:
        async for event in stream.events():
            key, message_id = event.key or b"", (event.value or b"").decode()
            inbox, entry = acknowledge(Inbox.model_validate(inboxes[key]), message_id)
            inboxes[key] = inbox.model_dump(mode="json")
            if entry is not None:
                await hub.status(StatusEvent(case_id=entry.case_id, status=Status.ACCEPTED, message_id=message_id,
                                             standard=entry.standard, message_type=entry.message_type,
                                             recipient=key.decode()))

    if secrets is not None and secrets.portal is not None:

        @app.agent(status_topic, concurrency=1, name="portal-push")
        async def push(stream: Any) -> None:
            async for event in stream.events():
                await dispatcher.push_status(StatusEvent.model_validate_json(event.value))
