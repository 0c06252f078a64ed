"""HUB_KAFKA_* security settings become the same connection for kafka-python's clients and for faust."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import faust
import pytest

from hub.kafka.client_config import aiokafka_kwargs, describe, faust_kwargs, kafka_python_kwargs
from hub.kafka.errors import InvalidClientSetting
from hub.settings import Settings

CA_FILE = Path(__file__).with_name("test-ca.pem")  # a self-signed certificate, only ever loaded, never trusted


def _settings(**values: Any) -> Settings:
    return Settings(**values)


def test_plaintext_needs_no_credentials() -> None:
    settings = _settings()
    assert kafka_python_kwargs(settings) == {"security_protocol": "PLAINTEXT"}
    assert faust_kwargs(settings) == {"broker_credentials": None}
    assert aiokafka_kwargs(settings) == {"security_protocol": "PLAINTEXT"}
    assert describe(settings) == "PLAINTEXT"


def test_sasl_ssl_with_a_ca_file_for_both_client_libraries() -> None:
    settings = _settings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-512",
                         kafka_sasl_username="hub", kafka_sasl_password="s3cret-password", kafka_ssl_cafile=CA_FILE)

    assert kafka_python_kwargs(settings) == {
        "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "hub",
        "sasl_plain_password": "s3cret-password", "ssl_check_hostname": True, "ssl_cafile": str(CA_FILE)}
    credentials = faust_kwargs(settings)["broker_credentials"]
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("hub", "s3cret-password")
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.protocol.value == "SASL_SSL"
    context = credentials.ssl_context
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert any(cert["subject"] == ((("commonName", "hub test CA"),),) for cert in context.get_ca_certs())
    direct = aiokafka_kwargs(settings)  # the worker's own aiokafka clients connect as faust's do
    assert {k: v for k, v in direct.items() if k != "ssl_context"} == {
        "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "hub",
        "sasl_plain_password": "s3cret-password"}
    assert isinstance(direct["ssl_context"], ssl.SSLContext) and direct["ssl_context"].check_hostname
    assert "s3cret" not in describe(settings)
    assert describe(settings) == f"SASL_SSL, SCRAM-SHA-512 as hub, CA {CA_FILE}"


def test_sasl_plaintext_has_no_tls() -> None:
    settings = _settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="hub",
                         kafka_sasl_password="pw")
    assert kafka_python_kwargs(settings) == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN",
                                             "sasl_plain_username": "hub", "sasl_plain_password": "pw"}
    credentials = faust_kwargs(settings)["broker_credentials"]
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_PLAINTEXT" and credentials.ssl_context is None


def test_ssl_without_a_ca_file_trusts_the_system_cas() -> None:
    settings = _settings(kafka_security_protocol="SSL")
    assert kafka_python_kwargs(settings) == {"security_protocol": "SSL", "ssl_check_hostname": True}
    credentials = faust_kwargs(settings)["broker_credentials"]
    assert isinstance(credentials, faust.SSLCredentials)
    assert credentials.context.verify_mode == ssl.CERT_REQUIRED
    assert describe(settings) == "SSL, system CAs"


@pytest.mark.parametrize(("values", "named"), [
    ({"kafka_security_protocol": "SASL_SSL", "kafka_sasl_password": "pw"}, "HUB_KAFKA_SASL_USERNAME is unset"),
    ({"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "hub"}, "HUB_KAFKA_SASL_PASSWORD is unset"),
    ({"kafka_sasl_username": "hub", "kafka_sasl_password": "pw"}, "HUB_KAFKA_SECURITY_PROTOCOL is PLAINTEXT"),
    ({"kafka_ssl_cafile": CA_FILE}, "HUB_KAFKA_SSL_CAFILE is set, but"),
    ({"kafka_security_protocol": "SSL", "kafka_ssl_cafile": Path("/nonexistent/ca.pem")}, "no such file"),
])
def test_contradicting_or_incomplete_settings_name_the_variable(values: dict[str, Any], named: str) -> None:
    settings = _settings(**values)
    for translate in (kafka_python_kwargs, faust_kwargs):
        with pytest.raises(InvalidClientSetting, match=named) as caught:
            translate(settings)
        assert "pw" not in str(caught.value).replace("PASSWORD", "")


def test_a_file_that_is_no_certificate_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(InvalidClientSetting, match="not a readable PEM CA file"):
        faust_kwargs(_settings(kafka_security_protocol="SSL", kafka_ssl_cafile=bogus))
