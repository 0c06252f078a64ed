"""Typed failures of the local Kafka launcher and of the Kafka client settings, so callers and the CLI can say what
broke and what to do."""

from __future__ import annotations


class KafkaLauncherError(Exception):
    """Root of every failure of hub.kafka; the message is meant for a human and says what to do next."""


class InvalidClientSetting(KafkaLauncherError):
    """The HUB_KAFKA_* security settings cannot connect or contradict each other; names the variable."""


class InvalidLauncherSetting(KafkaLauncherError):
    """A setting (version, port, heap) cannot work; raised before anything is downloaded or started."""


class ToolMissing(KafkaLauncherError):
    """A required program (java, mvn) is not installed or not on PATH."""


class ToolTooOld(ToolMissing):
    """A required program exists but its version is too old; for the caller it is as good as missing."""


class ResolutionFailed(KafkaLauncherError):
    """Maven could not fetch the Kafka jars; the message carries the tail of Maven's output."""


class StorageFormatFailed(KafkaLauncherError):
    """`kafka-storage format` failed for the data directory."""


class PortInUse(KafkaLauncherError):
    """Another process already listens on a port the broker needs."""


class BrokerStartFailed(KafkaLauncherError):
    """The broker process died or did not answer in time; the message carries the tail of its log."""


class BrokerStopFailed(KafkaLauncherError):
    """The broker process could not be stopped, not even with SIGKILL."""
