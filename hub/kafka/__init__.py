"""The project's own local Apache Kafka broker, run from Maven Central jars without Docker.

Use `LocalKafka(settings).start()` for a broker on 127.0.0.1; every failure is a `KafkaLauncherError`.
"""

from hub.kafka.errors import (
    BrokerStartFailed,
    BrokerStopFailed,
    InvalidClientSetting,
    InvalidLauncherSetting,
    KafkaLauncherError,
    PortInUse,
    ResolutionFailed,
    StorageFormatFailed,
    ToolMissing,
    ToolTooOld,
)
from hub.kafka.launcher import KafkaStatus, LocalKafka

__all__ = [
    "BrokerStartFailed",
    "BrokerStopFailed",
    "InvalidClientSetting",
    "InvalidLauncherSetting",
    "KafkaLauncherError",
    "KafkaStatus",
    "LocalKafka",
    "PortInUse",
    "ResolutionFailed",
    "StorageFormatFailed",
    "ToolMissing",
    "ToolTooOld",
]
