"""Building blocks for delivering messages to recipient systems: signatures, backoff, webhook POST, folder drop and
the channel descriptions of the directory. Pure functions and small async helpers, no Kafka: the agents compose them.
"""

from hub.delivery.channels import (
    DeliveryChannel,
    FolderChannel,
    InboxChannel,
    PortalWebhook,
    Secrets,
    SecretsError,
    WebhookChannel,
    load_secrets,
    parse_channel,
)
from hub.delivery.folder import message_filename, write_atomically
from hub.delivery.retry import RetryPolicy
from hub.delivery.signing import idempotency_key, sign, signed_headers, verify
from hub.delivery.webhook import DeliveryOutcome, post_message

__all__ = [
    "DeliveryChannel",
    "DeliveryOutcome",
    "FolderChannel",
    "InboxChannel",
    "PortalWebhook",
    "RetryPolicy",
    "Secrets",
    "SecretsError",
    "WebhookChannel",
    "idempotency_key",
    "load_secrets",
    "message_filename",
    "parse_channel",
    "post_message",
    "sign",
    "signed_headers",
    "verify",
    "write_atomically",
]
