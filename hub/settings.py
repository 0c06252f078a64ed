"""The hub's settings: every knob is an environment variable with the prefix HUB_, read here and nowhere else."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors.config import ConnectorConfig
from topics.catalogue import RETENTION_DAYS, Catalogue

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "municipal-hub"


class Settings(BaseSettings):
    """Runtime configuration; defaults run a single local hub against the project's own broker."""

    model_config = SettingsConfigDict(env_prefix="HUB_", frozen=True, extra="ignore")

    kafka_bootstrap: str | None = Field(
        default=None,
        description="Existing Kafka cluster (host:port[,host:port]); when unset the hub starts its own broker.",
    )
    kafka_version: str = Field(default="4.1.1", description="Apache Kafka version resolved from Maven Central.")
    kafka_port: int = Field(default=9092, description="Port of the local broker's client listener.")
    kafka_controller_port: int = Field(default=9093, description="Port of the local broker's KRaft controller.")
    kafka_heap: str = Field(default="768m", description="JVM heap of the local broker.")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="How the hub's Kafka clients connect to the cluster.")
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        default="PLAIN", description="SASL mechanism, with SASL_PLAINTEXT or SASL_SSL.")
    kafka_sasl_username: str | None = Field(default=None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(default=None, description="SASL password; never logged.")
    kafka_ssl_cafile: Path | None = Field(
        default=None, description="PEM file of the CA that signed the brokers' certificates; unset: system CAs.")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Jar cache, outside the repository.")
    data_dir: Path = Field(default=REPO_ROOT / "var", description="Local broker data, pid and log files.")

    topic_prefix: str = Field(default="", description="Prefix for every topic name (isolates tenants and tests).")
    app_id: str = Field(default="municipal-hub", description="faust application id and consumer group.")
    http_host: str = Field(default="127.0.0.1", description="Interface of the HTTP API.")
    http_port: int = Field(default=6066, description="Port of the HTTP API.")
    http_advertised_host: str | None = Field(
        default=None,
        description="Host name the other workers reach this one by (faust forwards case look-ups to the worker "
                    "holding the case); default HUB_HTTP_HOST. Needed when HUB_HTTP_HOST is 0.0.0.0.")
    max_message_bytes: int = Field(default=4 * 1024 * 1024, description="Largest XÖV message body accepted.")
    body_timeout_s: float = Field(default=30.0, gt=0,
                                  description="Longest time a request body may take to arrive; then 408.")
    max_header_bytes: int = Field(default=8190, ge=1024,
                                  description="Longest request line, header name and header value; then 431.")
    topic_partitions: int = Field(default=6, ge=1, description="Partitions of every topic the hub consumes.")
    replication_factor: int = Field(default=1, ge=1, description="Replication factor of the hub's topics.")

    batch_size: int = Field(default=100, ge=1, description="Records a worker stage takes from Kafka at once (a "
                            "batch's parsed messages are held in memory together).")
    batch_within_ms: int = Field(default=20, ge=1, description="Longest wait for a batch to fill.")
    producer_batch_bytes: int = Field(default=1024 * 1024, ge=16 * 1024,
                                      description="Producer batch size per partition: several 10-100 KB messages.")
    producer_linger_ms: int = Field(default=5, ge=0, description="Producer wait for a batch to fill.")
    kafka_write_timeout_s: float = Field(default=5.0, gt=0,
                                         description="The API answers 503 when Kafka has not acknowledged by then.")
    session_timeout_s: float = Field(default=10.0, ge=6,
                                     description="A worker that has not sent a heartbeat for this long is dead: "
                                                 "its partitions move to the others.")
    rebalance_timeout_s: float = Field(default=15.0, ge=1,
                                       description="How long a rebalance waits for every worker to rejoin.")
    table_store: Literal["rocksdb", "memory"] = Field(
        default="rocksdb", description="Where workers keep their tables: RocksDB on disk, or memory (tests only).")
    table_memory_mb: int = Field(default=32, ge=4, description="Memory of all a worker's RocksDB tables together: "
                                 "half for their write buffers, half for one block cache.")

    retention_ingest_days: int = Field(default=RETENTION_DAYS["ingest"], ge=1)
    retention_delivery_days: int = Field(default=RETENTION_DAYS["delivery"], ge=1)
    retention_inbox_days: int = Field(default=RETENTION_DAYS["inbox"], ge=1)
    retention_status_days: int = Field(default=RETENTION_DAYS["status"], ge=1)
    retention_deadletter_days: int = Field(default=RETENTION_DAYS["deadletter"], ge=1)
    retention_dedup_days: int = Field(default=RETENTION_DAYS["dedup"], ge=1)
    retention_delivered_days: int = Field(default=RETENTION_DAYS["delivered"], ge=1)
    retention_correlation_days: int = Field(default=RETENTION_DAYS["correlation"], ge=1)
    retention_cases_days: int = Field(default=RETENTION_DAYS["cases"], ge=1)

    tokens_file: Path | None = Field(
        default=None,
        description="API tokens (hashes only) and the authorities each system acts for; default "
                    "<HUB_DATA_DIR>/tokens.toml; see `hub token add`.",
    )
    secrets_file: Path | None = Field(default=None, description="Webhook secrets and the portal webhook (TOML).")
    retry_base_s: float = Field(default=2.0, description="First retry delay of a failed webhook delivery.")
    retry_max_delay_s: float = Field(default=300.0, description="Longest delay between two delivery attempts.")
    ops_refresh_s: int = Field(default=15, ge=2, le=600,
                               description="How often the operator page (/ops) refreshes its figures, in seconds.")

    log_format: Literal["text", "json"] = Field(
        default="text", description="text: one readable line per event; json: one JSON object per line.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Lowest level logged.")
    log_repeat_interval_s: float = Field(
        default=30.0, gt=0,
        description="Repeated Kafka client warnings (reconnect noise) are logged once per this interval.")

    routing_dir: Path = Field(
        default=REPO_ROOT / "hub" / "routing" / "data",
        description="Folder holding authorities.toml and rules.toml.",
    )
    shared_dir: Path = Field(default=REPO_ROOT.parent / "shared", description="Read-only XÖV schemas and codelists.")
    schema_dir: Path | None = Field(
        default=None,
        description="Official XSDs the operator installs for standards whose schemas the hub may not distribute "
                    "(e.g. XGewerbeordnung), laid out <folder>/<standard>/<version>/*.xsd; unset: none installed.",
    )

    @property
    def connector_config(self) -> ConnectorConfig:
        """The folders the connectors read schemas and code lists from."""
        return ConnectorConfig(shared_dir=self.shared_dir, schema_dir=self.schema_dir)

    @property
    def tokens_path(self) -> Path:
        return self.tokens_file or self.data_dir / "tokens.toml"

    @property
    def retention_days(self) -> dict[str, int]:
        """Retention per class of the topic catalogue (HUB_RETENTION_<CLASS>_DAYS)."""
        return {name: int(getattr(self, f"retention_{name}_days")) for name in RETENTION_DAYS}

    def catalogue(self) -> Catalogue:
        """The topic names, partitions and retention of this deployment."""
        return Catalogue(prefix=self.topic_prefix, app_id=self.app_id, partitions=self.topic_partitions,
                         retention_days=self.retention_days)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, parsed once from the environment."""
    return Settings()
