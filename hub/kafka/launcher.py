"""The project's own single-node Apache Kafka broker: resolve jars, format KRaft storage, start, probe, stop.

Layout of the data directory (default: `<settings.data_dir>/kafka`):
    server.properties, log4j2.properties   rendered on every start
    kraft/                                 log.dirs (topic data and the KRaft metadata log, meta.properties)
    kafka.pid                              pid of the running broker
    server.log                             the broker's log4j2 log (INFO)
    kafka.out                              JVM stdout/stderr (crashes, log4j2 status messages)
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hub.kafka import process, tools
from hub.kafka.config import (
    DEFAULT_MAX_RECORD_BYTES,
    HOST,
    BrokerConfig,
    MiB,
    read_bootstrap,
    render_log4j2_properties,
    render_server_properties,
)
from hub.kafka.errors import (
    BrokerStartFailed,
    BrokerStopFailed,
    InvalidLauncherSetting,
    PortInUse,
)
from hub.kafka.jvm import Jvm, format_storage
from hub.kafka.maven import JarCache, resolve_jars, validate_kafka_version
from hub.settings import Settings, get_settings

Progress = Callable[[str], None]
_HEAP = re.compile(r"^[0-9]+[kKmMgG]?$")


def _silent(_line: str) -> None:
    """Default progress sink: library callers get no output unless they ask for it."""


@dataclass(frozen=True)
class KafkaStatus:
    """A snapshot of the local broker: is the process there, and does it answer Kafka requests?"""

    running: bool
    pid: int | None
    bootstrap: str
    answering: bool
    data_dir: Path
    version: str


class LocalKafka:
    """Controls one local broker, identified by its data directory; every method is safe to call repeatedly.

    `env` (default: os.environ) is where java, mvn and JAVA_HOME are looked up and what the JVM inherits;
    tests inject a PATH without the tools to check the error messages. `detach=False` ties the broker to the
    calling thread (see process.spawn): for test sessions, which must not leak a broker when killed.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        data_dir: Path | None = None,
        port: int | None = None,
        controller_port: int | None = None,
        start_timeout_s: float = 90.0,
        stop_timeout_s: float = 30.0,
        env: Mapping[str, str] | None = None,
        detach: bool = True,
    ) -> None:
        self._settings = settings if settings is not None else get_settings()
        self.data_dir = (data_dir if data_dir is not None else self._settings.data_dir / "kafka").resolve()
        self.port = port if port is not None else self._settings.kafka_port
        self.controller_port = controller_port if controller_port is not None else self._settings.kafka_controller_port
        self.version = self._settings.kafka_version
        self._start_timeout_s = start_timeout_s
        self._stop_timeout_s = stop_timeout_s
        self._env: Mapping[str, str] = dict(os.environ if env is None else env)
        self._detach = detach

    # ----------------------------------------------------------------------------------------------- paths

    @property
    def bootstrap(self) -> str:
        """The configured client address, "127.0.0.1:<port>"."""
        return f"{HOST}:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "kraft"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"

    @property
    def server_log(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def console_log(self) -> Path:
        return self.data_dir / "kafka.out"

    @property
    def server_properties(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def log4j_properties(self) -> Path:
        return self.data_dir / "log4j2.properties"

    # ---------------------------------------------------------------------------------------------- public

    def start(self, progress: Progress = _silent) -> str:
        """Starts the broker unless it already runs, waits until it answers, returns its bootstrap address.

        Raises a KafkaLauncherError subclass (ToolMissing, ResolutionFailed, PortInUse,
        BrokerStartFailed …) whose message says what to fix; a broker that never answered is stopped again.
        """
        self._validate()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            pid = self._running_pid()
            if pid is not None:
                address = read_bootstrap(self.server_properties) or self.bootstrap
                progress(f"Broker already running (pid {pid}) on {address}")
                return address
            if self.pid_file.exists():
                self.pid_file.unlink()
                progress("Removed stale pid file")
            for port in (self.port, self.controller_port):
                if process.port_open(HOST, port):
                    raise PortInUse(
                        f"{HOST}:{port} is already in use by another process; stop it or choose other ports "
                        "(HUB_KAFKA_PORT / HUB_KAFKA_CONTROLLER_PORT)"
                    )
            java = tools.require_java(self._env, self.version)
            cache = JarCache.for_version(self._settings.cache_dir, self.version)
            resolve_jars(cache, find_mvn=lambda: tools.find_mvn(self._env), env=self._env, progress=progress)
            self._write_config()
            jvm = Jvm(
                java=java,
                heap=self._settings.kafka_heap,
                classpath=cache.classpath,
                log4j_config=self.log4j_properties,
                data_dir=self.data_dir,
            )
            format_storage(
                jvm,
                log_dir=self.log_dir,
                server_properties=self.server_properties,
                env=self._env,
                progress=progress,
            )
            pid = process.spawn(
                jvm.command("kafka.Kafka", str(self.server_properties)),
                env=self._env,
                output=self.console_log,
                detach=self._detach,
            )
            process.write_pid(self.pid_file, pid)
            progress(f"Starting broker (pid {pid}) …")
            self._await_ready(pid)
        progress(f"Broker ready on {self.bootstrap}")
        return self.bootstrap

    def stop(self, progress: Progress = _silent) -> None:
        """Stops the broker (SIGTERM, then SIGKILL after the stop timeout) and removes its pid file.

        A no-op when the broker does not run; raises BrokerStopFailed if the process survives even SIGKILL.
        """
        with self._locked():
            pid = self._running_pid()
            if pid is None:
                if self.pid_file.exists():
                    self.pid_file.unlink()
                    progress("Broker not running (removed stale pid file)")
                else:
                    progress("Broker not running")
                return
            progress(f"Stopping broker (pid {pid}) …")
            if not process.terminate(pid, timeout_s=self._stop_timeout_s):
                raise BrokerStopFailed(f"broker pid {pid} is still alive after SIGTERM and SIGKILL")
            self.pid_file.unlink(missing_ok=True)
            progress("Broker stopped")

    def status(self) -> KafkaStatus:
        """Whether the broker process runs (a stale pid file counts as not running) and answers requests."""
        pid = self._running_pid()
        address = (read_bootstrap(self.server_properties) if pid is not None else None) or self.bootstrap
        host, _, port = address.rpartition(":")
        answering = pid is not None and process.broker_answers(host, int(port), timeout_s=3.0)
        return KafkaStatus(
            running=pid is not None,
            pid=pid,
            bootstrap=address,
            answering=answering,
            data_dir=self.data_dir,
            version=self.version,
        )

    # --------------------------------------------------------------------------------------------- private

    def _validate(self) -> None:
        validate_kafka_version(self.version)
        for name, port in (("port", self.port), ("controller port", self.controller_port)):
            if not 0 < port < 65536:
                raise InvalidLauncherSetting(f"Kafka {name} {port} is not a TCP port")
        if self.port == self.controller_port:
            raise InvalidLauncherSetting(f"Kafka port and controller port must differ (both are {self.port})")
        if not _HEAP.match(self._settings.kafka_heap):
            raise InvalidLauncherSetting(
                f"kafka_heap {self._settings.kafka_heap!r} is not a JVM size such as 768m or 1g"
            )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialises start/stop on one data directory across processes."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.data_dir / ".launcher.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _running_pid(self) -> int | None:
        pid = process.read_pid(self.pid_file)
        if pid is None or not process.is_broker_process(pid, self.server_properties):
            return None
        return pid

    def _write_config(self) -> None:
        max_record = max(DEFAULT_MAX_RECORD_BYTES, 2 * self._settings.max_message_bytes + MiB)
        config = BrokerConfig(
            port=self.port,
            controller_port=self.controller_port,
            log_dir=self.log_dir,
            num_partitions=self._settings.topic_partitions,
            max_record_bytes=max_record,
        )
        self.server_properties.write_text(render_server_properties(config), encoding="utf-8")
        self.log4j_properties.write_text(render_log4j2_properties(self.server_log), encoding="utf-8")

    def _await_ready(self, pid: int) -> None:
        """Polls until the broker answers; fails early with the log tail when the JVM died."""
        deadline = time.monotonic() + self._start_timeout_s
        while True:
            if not process.is_alive(pid):
                self.pid_file.unlink(missing_ok=True)
                raise BrokerStartFailed(f"the broker process exited during startup.\n{self._log_tails()}")
            if process.broker_answers(HOST, self.port, timeout_s=2.0):
                return
            if time.monotonic() >= deadline:
                process.terminate(pid, timeout_s=self._stop_timeout_s)
                self.pid_file.unlink(missing_ok=True)
                raise BrokerStartFailed(
                    f"the broker did not answer on {self.bootstrap} within {self._start_timeout_s:.0f} s "
                    f"and was stopped.\n{self._log_tails()}"
                )
            time.sleep(0.25)

    def _log_tails(self) -> str:
        parts = []
        for path in (self.console_log, self.server_log):
            # Java stack frames push the actual error out of a short tail; the first frames say enough.
            lines = process.tail(path, 200).splitlines()
            text = "\n".join([line for line in lines if not line.startswith("\tat ")][-20:])
            if text:
                parts.append(f"--- last lines of {path} ---\n{text}")
        return "\n".join(parts) or f"(no output in {self.console_log} or {self.server_log})"
