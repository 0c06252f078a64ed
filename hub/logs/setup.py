"""Logging configuration for every hub process: JSON lines or readable text (HUB_LOG_FORMAT) on stderr, the Kafka
clients' repeated warnings held back, and faust's own logging routed through the same handler.

`hub run` hands `logging_config(settings)` to faust's Worker, which applies it when it starts; every other command
calls `configure(settings)`.
"""

from __future__ import annotations

import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from hub.logs.events import FIELDS
from hub.settings import Settings

EXTRA = (*FIELDS, "state", "lasting_s", "held_back")  # the fields a line may carry besides time, level and event
# JSON field names: `event` is the message (an event code for the hub's own lines), `logger` where it comes from.
JSON_RENAMES = {"asctime": "time", "levelname": "level", "message": "event", "name": "logger"}


def _iso(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`time level logger: event key=value …` with the fields the line carries, then any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{name}={getattr(record, name)}" for name in EXTRA if hasattr(record, name))
        line = f"{_iso(record.created)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line} {pairs}" if pairs else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601, milliseconds), level, logger, event and the line's fields."""

    def __init__(self) -> None:
        super().__init__(["asctime", "levelname", "name", "message"], rename_fields=JSON_RENAMES,
                         json_ensure_ascii=False)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - stdlib name
        return _iso(record.created)


def logging_config(settings: Settings) -> dict[str, Any]:
    """A logging.config.dictConfig dictionary for `settings`: one stderr handler, for the hub, faust and Kafka."""
    formatter = {"()": JsonLineFormatter if settings.log_format == "json" else TextFormatter}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"hub": formatter},
        "filters": {"repeats": {"()": "hub.logs.repeats.RepeatFilter", "interval_s": settings.log_repeat_interval_s}},
        # the stream is resolved now: faust's worker later swaps sys.stdout and sys.stderr for loggers of its own
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "hub",
                                "filters": ["repeats"]}},
        "root": {"level": settings.log_level, "handlers": ["stderr"]},
        # kafka-python (the CLI's and the metrics' client) narrates every connection at INFO
        "loggers": {"kafka": {"level": settings.log_level if settings.log_level == "DEBUG" else "WARNING"}},
    }


def configure(settings: Settings) -> None:
    logging.config.dictConfig(logging_config(settings))
