"""Records written while the consumer group rebalances after a `kill -9` of the worker are all processed.

A worker (tests/support/copy_worker.py: the hub's faust set-up, copying each source record to four sinks) runs and
commits; it is killed with -9 while a producer keeps writing, and a new worker takes over the backlog, three times.
Then every record the broker acknowledged must be on every sink, and none may lie below a committed offset without
having been processed: a committed offset is a promise that everything before it was processed.

With plain faust-streaming 0.15.3 this fails (about three restarts in four lose records): after the table recovery the
new worker resumes its stream partitions before it seeks them to the committed offsets, delivers part of the backlog
during the seek, then empties the agents' queues and counts the offsets it skipped as a "gap" that is committed as
done. The worker here runs on the hub's SafeApp (hub/app/safe_offsets.py), which must never lose one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError

from tests.support.hub_process import wait_for

pytestmark = pytest.mark.integration

# As many partitions as the hub's worker is assigned (its topics and changelogs): after a rebalance faust looks up the
# committed offset of each assigned partition, one request after the other, while the fetcher already runs.
PARTITIONS = 24
SINKS = 4  # like a trade notification's four recipients
SESSION_S = 6.0  # how long the group waits for the killed member before its partitions move
RESTARTS = 3  # each takeover gives faust's race one chance (about three in four here); three make a miss rare
PACE_S = 0.004  # the producer's pace: about 250 records/s, a backlog of over a thousand while the group waits
# The worker under test: a script taking the COPY_WORKER_* variables (see copy_worker.py); another implementation of
# the same contract can be put in its place with CRASH_TEST_WORKER=path/to/script.py.
WORKER = Path(os.environ.get("CRASH_TEST_WORKER") or Path(__file__).resolve().parents[2] / "support" / "copy_worker.py")


@dataclass
class Deployment:
    bootstrap: str
    group: str
    source: str
    sinks: list[str]
    data_dir: Path
    partitions: int = PARTITIONS

    @property
    def changelog(self) -> str:
        return f"{self.group}-copies-changelog"  # faust's name for the worker's table "copies"

    @property
    def source_tps(self) -> list[TopicPartition]:
        return [TopicPartition(self.source, p) for p in range(self.partitions)]

    def env(self) -> dict[str, str]:
        return {**os.environ, "COPY_WORKER_BOOTSTRAP": self.bootstrap, "COPY_WORKER_GROUP": self.group,
                "COPY_WORKER_SOURCE": self.source, "COPY_WORKER_SINKS": ",".join(self.sinks),
                "COPY_WORKER_PARTITIONS": str(self.partitions), "COPY_WORKER_DATADIR": str(self.data_dir / "faust"),
                "COPY_WORKER_SESSION_S": str(SESSION_S)}


class Feeder(threading.Thread):
    """Writes numbered records (key = value = the number) and keeps where each acknowledged one landed.

    Once `ticking` is set it also writes a no-op entry to the worker's table changelog with every record, as another
    writer of the table would: a restarted worker then has fresh data to fetch at every moment of its start-up.
    """

    def __init__(self, deployment: Deployment) -> None:
        super().__init__(daemon=True)
        self.deployment = deployment
        self.stop = threading.Event()
        self.ticking = threading.Event()
        self.acked: dict[bytes, tuple[int, int]] = {}

    def run(self) -> None:
        producer = KafkaProducer(bootstrap_servers=self.deployment.bootstrap, acks="all", linger_ms=0)
        try:
            n = 0
            while not self.stop.is_set():
                key = str(n).encode()
                meta = producer.send(self.deployment.source, key=key, value=key).get(timeout=30)
                self.acked[key] = (meta.partition, meta.offset)
                if self.ticking.is_set():
                    producer.send(self.deployment.changelog, key=b"tick", value=b"0",
                                  partition=n % self.deployment.partitions)
                n += 1
                self.stop.wait(PACE_S)
        finally:
            producer.close()


@contextlib.contextmanager
def _deployment(kafka_bootstrap: str, tmp_path: Path, partitions: int) -> Iterator[Deployment]:
    run_id = uuid.uuid4().hex[:12]
    deployment = Deployment(kafka_bootstrap, f"crash-{run_id}", f"crash-{run_id}.source",
                            [f"crash-{run_id}.sink-{i}" for i in range(SINKS)], tmp_path, partitions)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="crash-test")
    try:
        admin.create_topics([NewTopic(deployment.source, partitions, 1),
                             NewTopic(deployment.changelog, partitions, 1, topic_configs={"cleanup.policy": "compact"})]
                            + [NewTopic(sink, 1, 1) for sink in deployment.sinks])
        admin.wait_for_topics([deployment.source, deployment.changelog, *deployment.sinks], timeout_ms=60_000)
        yield deployment
        mine = [t for t in admin.list_topics() if t.startswith(f"crash-{run_id}")]
        admin.delete_topics(mine)
    finally:
        admin.close()


@pytest.fixture
def deployment(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Deployment]:
    with _deployment(kafka_bootstrap, tmp_path, PARTITIONS) as made:
        yield made


@pytest.fixture
def wide_deployment(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Deployment]:
    """As many source partitions as the hub's worker consumes stream partitions: its seek after the table recovery
    takes as long as the hub's."""
    with _deployment(kafka_bootstrap, tmp_path, WIDE_PARTITIONS) as made:
        yield made


def start_worker(deployment: Deployment, name: str) -> subprocess.Popen[bytes]:
    with (deployment.data_dir / f"{name}.log").open("wb") as log:
        return subprocess.Popen([sys.executable, str(WORKER)], env=deployment.env(), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def kill_9(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def committed(admin: KafkaAdminClient, deployment: Deployment) -> dict[int, int]:
    """The group's committed offset per source partition (absent: none yet, or the coordinator is still starting)."""
    try:
        answer = admin.list_group_offsets(deployment.group).get(deployment.group, {})
    except KafkaError:  # on a fresh broker the group coordinator needs a moment
        return {}
    return {tp.partition: meta.offset for tp, meta in answer.items() if tp.topic == deployment.source}


def end_offsets(deployment: Deployment) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap)
    try:
        return {tp.partition: offset for tp, offset in consumer.end_offsets(deployment.source_tps).items()}
    finally:
        consumer.close()


def await_condition(condition: Callable[[], object], what: str, timeout_s: float, log_dir: Path) -> None:
    """wait_for, failing with the tail of every worker's log."""
    try:
        wait_for(condition, what, timeout_s)
    except AssertionError as error:
        logs = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(log_dir.glob("*.log")))
        raise AssertionError(f"{error}\n{logs}") from None


def copied_keys(deployment: Deployment) -> dict[str, set[bytes]]:
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap, enable_auto_commit=False)
    try:
        tps = [TopicPartition(sink, 0) for sink in deployment.sinks]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        keys: dict[str, set[bytes]] = {sink: set() for sink in deployment.sinks}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(consumer.position(tp) < ends[tp] for tp in tps):
            for tp, records in consumer.poll(timeout_ms=500).items():
                keys[tp.topic].update(r.key for r in records)
        return keys
    finally:
        consumer.close()


def test_backlog_written_while_the_group_rebalances_after_kill_9_is_processed(deployment: Deployment) -> None:
    admin = KafkaAdminClient(bootstrap_servers=deployment.bootstrap, client_id="crash-test-offsets")
    feeder = Feeder(deployment)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        feeder.start()
        workers.append(start_worker(deployment, "worker-0"))
        await_condition(lambda: all(committed(admin, deployment).get(p, 0) > 0 for p in range(deployment.partitions)),
                        "the first worker to commit on every partition", 90, deployment.data_dir)
        feeder.ticking.set()
        for n in range(1, RESTARTS + 1):
            kill_9(workers[-1])
            before = committed(admin, deployment)
            workers.append(start_worker(deployment, f"worker-{n}"))
            await_condition(lambda: committed(admin, deployment) != before,  # noqa: B023  (called in this iteration)
                            f"worker-{n} to take over and commit", 120, deployment.data_dir)
        feeder.stop.set()
        feeder.join()

        def everything_copied() -> bool:
            keys = copied_keys(deployment)
            return all(set(feeder.acked) <= keys[sink] for sink in deployment.sinks)

        with contextlib.suppress(AssertionError):  # what is still missing then is reported below
            wait_for(everything_copied, "every record on every sink", 60)
        keys = copied_keys(deployment)
        offsets = committed(admin, deployment)
    finally:
        feeder.stop.set()
        for worker in workers:
            kill_9(worker)
        admin.close()

    missing = sorted(where for key, where in feeder.acked.items() if any(key not in keys[s] for s in deployment.sinks))
    lost = [(p, o) for p, o in missing if o < offsets.get(p, 0)]
    assert not lost, (f"{len(lost)} of {len(feeder.acked)} acknowledged records lie below the committed offsets "
                      f"{offsets} but were never processed; (partition, offset): {lost[:60]}")
    assert not missing, (f"{len(missing)} acknowledged records were never processed and the group's offsets stay at "
                         f"{offsets}; (partition, offset): {missing[:60]}")


BACKLOG = 600  # records waiting before the worker's first start: its group has no committed offset anywhere yet
WIDE_PARTITIONS = 96


def test_a_backlog_on_partitions_never_committed_is_processed_from_their_start(wide_deployment: Deployment) -> None:
    """A partition without a committed offset starts at its log start, also when records of it were fetched while
    the worker recovered its table: a new deployment whose API accepted messages before its worker first joined,
    or a retry stream no record of which was finished yet when the worker was killed."""
    deployment = wide_deployment
    feeder = Feeder(deployment)
    feeder.ticking.set()  # the table's changelog grows with the backlog: the worker recovers it at start
    worker: subprocess.Popen[bytes] | None = None
    try:
        feeder.start()
        wait_for(lambda: len(feeder.acked) >= BACKLOG, "the backlog to be written", 60)
        worker = start_worker(deployment, "worker-0")
        feeder.stop.set()
        feeder.join()

        def everything_copied() -> bool:
            keys = copied_keys(deployment)
            return all(set(feeder.acked) <= keys[sink] for sink in deployment.sinks)

        with contextlib.suppress(AssertionError):  # what is still missing then is reported below
            wait_for(everything_copied, "every record on every sink", 120)
        keys = copied_keys(deployment)
    finally:
        feeder.stop.set()
        if worker is not None:
            kill_9(worker)
    missing = sorted(where for key, where in feeder.acked.items() if any(key not in keys[s] for s in deployment.sinks))
    assert not missing, (f"{len(missing)} of {len(feeder.acked)} records waiting before the first start were never "
                         f"processed; (partition, offset): {missing[:60]}")
