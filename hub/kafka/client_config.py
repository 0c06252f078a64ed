"""How every Kafka client of the hub reaches the cluster: the HUB_KAFKA_* security settings translated, in this one
place, into keyword arguments for kafka-python's clients, for faust's app, and for the aiokafka clients the worker
opens beside faust's own.

PLAINTEXT (the default, and the local broker) needs nothing; a managed cluster usually wants SASL_SSL with a user,
a password and the CA that signed its certificates.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust

from hub.kafka.errors import InvalidClientSetting
from hub.settings import Settings

SASL_PROTOCOLS = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})
SSL_PROTOCOLS = frozenset({"SSL", "SASL_SSL"})


def check_client_settings(settings: Settings) -> None:
    """Refuse settings that cannot connect or that contradict each other; InvalidClientSetting names the variable."""
    protocol = settings.kafka_security_protocol
    sasl = protocol in SASL_PROTOCOLS
    if sasl and not settings.kafka_sasl_username:
        raise InvalidClientSetting(f"HUB_KAFKA_SASL_USERNAME is unset, but HUB_KAFKA_SECURITY_PROTOCOL is {protocol}")
    if sasl and not (settings.kafka_sasl_password and settings.kafka_sasl_password.get_secret_value()):
        raise InvalidClientSetting(f"HUB_KAFKA_SASL_PASSWORD is unset, but HUB_KAFKA_SECURITY_PROTOCOL is {protocol}")
    if not sasl and (settings.kafka_sasl_username or settings.kafka_sasl_password):
        raise InvalidClientSetting(f"HUB_KAFKA_SASL_USERNAME/PASSWORD are set, but HUB_KAFKA_SECURITY_PROTOCOL is "
                                   f"{protocol}; use SASL_SSL or SASL_PLAINTEXT")
    cafile = settings.kafka_ssl_cafile
    if cafile is not None and protocol not in SSL_PROTOCOLS:
        raise InvalidClientSetting(f"HUB_KAFKA_SSL_CAFILE is set, but HUB_KAFKA_SECURITY_PROTOCOL is {protocol}; "
                                   "use SSL or SASL_SSL")
    if cafile is not None and not cafile.is_file():
        raise InvalidClientSetting(f"HUB_KAFKA_SSL_CAFILE {cafile}: no such file")


def kafka_python_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for kafka-python's KafkaAdminClient, KafkaConsumer and KafkaProducer (besides
    bootstrap_servers and client_id)."""
    check_client_settings(settings)
    protocol = settings.kafka_security_protocol
    kwargs: dict[str, Any] = {"security_protocol": protocol}
    if protocol in SASL_PROTOCOLS:
        assert settings.kafka_sasl_password is not None  # checked above
        kwargs |= {"sasl_mechanism": settings.kafka_sasl_mechanism,
                   "sasl_plain_username": settings.kafka_sasl_username,
                   "sasl_plain_password": settings.kafka_sasl_password.get_secret_value()}
    if protocol in SSL_PROTOCOLS:
        kwargs |= {"ssl_check_hostname": True}
        if settings.kafka_ssl_cafile is not None:
            kwargs |= {"ssl_cafile": str(settings.kafka_ssl_cafile)}
    return kwargs


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """A client TLS context that verifies the brokers' certificates and host names against the CA file (or the
    system's CAs when none is given)."""
    cafile = settings.kafka_ssl_cafile
    try:
        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(cafile) if cafile else None)
    except (OSError, ssl.SSLError) as exc:
        raise InvalidClientSetting(f"HUB_KAFKA_SSL_CAFILE {cafile}: not a readable PEM CA file ({exc})") from None


def faust_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `faust.App(...)`: the broker credentials matching the security settings."""
    check_client_settings(settings)
    protocol = settings.kafka_security_protocol
    context = ssl_context(settings) if protocol in SSL_PROTOCOLS else None
    credentials: faust.auth.Credentials | None = None
    if protocol in SASL_PROTOCOLS:
        assert settings.kafka_sasl_password is not None  # checked above
        credentials = faust.SASLCredentials(username=settings.kafka_sasl_username,
                                            password=settings.kafka_sasl_password.get_secret_value(),
                                            mechanism=settings.kafka_sasl_mechanism, ssl_context=context)
    elif context is not None:
        credentials = faust.SSLCredentials(context)
    return {"broker_credentials": credentials}


def aiokafka_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for aiokafka's AIOKafkaClient or AIOKafkaConsumer: the connection faust's clients get."""
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    return dict(credentials_to_aiokafka_auth(faust_kwargs(settings)["broker_credentials"]))


def describe(settings: Settings) -> str:
    """How the clients connect, for the start-up line: protocol, mechanism and user, never the password."""
    protocol = settings.kafka_security_protocol
    parts: list[str] = [protocol]
    if protocol in SASL_PROTOCOLS:
        parts.append(f"{settings.kafka_sasl_mechanism} as {settings.kafka_sasl_username}")
    if protocol in SSL_PROTOCOLS:
        parts.append(f"CA {settings.kafka_ssl_cafile}" if settings.kafka_ssl_cafile else "system CAs")
    return ", ".join(parts)
