"""The hostile corpus over HTTP on the real broker: each input gets its problem document fast and is parked with
its original bytes, /healthz keeps answering while it is in flight, a valid message still flows after each, no
canary file is ever opened by the hub, a token in an oversized header leaks nowhere, and the operator's dead-letter
tools stay fast with all of it parked."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.file_watch import make_canaries, watching
from tests.support.hostile import Canaries, Hostile, parser_corpus
from tests.support.http_client import Answer, call
from tests.support.hub_process import (
    HubConfig,
    RunningHub,
    drop_topics,
    new_config,
    operator_token,
    start_hub,
    stop_hub,
    wait_for,
)
from tests.support.messages import X, fresh_anmeldungen

pytestmark = pytest.mark.integration

MAX = 1024 * 1024
BODY_TIMEOUT_S = 2.0
HEALTH_TIMEOUT_S = 1.0
HANG_S = 20.0  # far above any wall time seen under load; a tool waiting on a FIFO or terminal never returns
HEPPENHEIM = "MELDID:06431011"  # the other authority: its own token, sending under a message id Bensheim used


def _gzip_bomb(inflated: int) -> bytes:
    """`inflated` zero bytes, gzip-compressed in pieces (some 1 KiB per MiB)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    return b"".join(deflate.compress(block) for _ in range(inflated // len(block))) + deflate.flush()


def _valid(shared_dir: Path) -> bytes:
    """A valid Anmeldung of its own message id and business."""
    return fresh_anmeldungen(shared_dir, 1)[0][1]


def edge_corpus(shared_dir: Path) -> list[Hostile]:
    """The inputs the HTTP edge refuses before any XML is read."""
    return [
        Hostile("wrong-content-type", _valid(shared_dir), 415, "http.unsupported_media_type",
                "nicht als application/json", content_type="application/json", parser=False),
        Hostile("gzip-bomb", _gzip_bomb(512 * 1024 * 1024), 415, "http.unsupported_encoding", "'gzip'",
                headers=(("Content-Encoding", "gzip"),), parser=False),
        Hostile("content-length-larger-than-body", b"<?xml version='1.0'?><xga:", 408, "http.body_timeout",
                "der angekündigten 5000", content_length=5000, parser=False),
        Hostile("over-twice-the-limit", b"<a>" + b"x" * (2 * MAX) + b"</a>", 413, "message.too_large",
                "nicht gespeichert", parser=False, kept=False),
    ]


@dataclass
class Sent:
    hostile: Hostile
    answer: Answer
    took_s: float
    health_s: list[float]
    valid: Answer  # the valid message sent right after it


@dataclass
class Run:
    hub: RunningHub
    config: HubConfig
    canaries: Canaries
    heppenheim_token: str
    sent: dict[str, Sent] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.hub.base_url.rsplit(":", 1)[1])

    def post(self, hostile: Hostile) -> Answer:
        headers = {"Authorization": f"Bearer {self.hub.token}", "Content-Type": hostile.content_type,
                   **dict(hostile.headers)}
        return call(self.port, "POST", "/api/v1/messages", headers=headers, body=hostile.body,
                    content_length=hostile.content_length)


def _health(port: int) -> float:
    started = time.monotonic()
    try:
        answer = call(port, "GET", "/healthz", timeout_s=HEALTH_TIMEOUT_S)
    except OSError:
        return float("inf")
    return time.monotonic() - started if answer.status == 200 else float("inf")


def _send_watching_health(run: Run, hostile: Hostile) -> tuple[Answer, float, list[float]]:
    """Send `hostile` from a thread and ask /healthz again and again until its answer is in."""
    result: dict[str, Any] = {}

    def send() -> None:
        started = time.monotonic()
        try:
            result["answer"] = run.post(hostile)
        finally:
            result["took"] = time.monotonic() - started

    sender = threading.Thread(target=send)
    sender.start()
    health = [_health(run.port)]
    while sender.is_alive():
        health.append(_health(run.port))
    sender.join()
    assert "answer" in result, f"{hostile.name}: no answer"
    return result["answer"], result["took"], health


@pytest.fixture(scope="module")
def run(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[Run]:
    """A hub with a 1 MiB message limit and a 2 s body timeout, its output on a pipe as in a container, fed the
    whole corpus under a canary watch."""
    config = new_config(kafka_bootstrap, tmp_path_factory, extra_env={
        "HUB_MAX_MESSAGE_BYTES": str(MAX), "HUB_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S)})
    canaries = make_canaries(tmp_path_factory.mktemp("canaries"))
    corpus = parser_corpus(shared_dir, canaries, max_bytes=MAX) + edge_corpus(shared_dir)
    heppenheim = config.add_token("Gewerbeamt Heppenheim", (HEPPENHEIM,))
    hub = start_hub(config, operator_token(config), output_pipe=True)  # stdout a pipe: /dev/stdout would block
    state = Run(hub, config, canaries, heppenheim)
    try:
        with watching(canaries) as watch:
            for hostile in corpus:
                answer, took, health = _send_watching_health(state, hostile)
                valid = state.post(Hostile("valid", _valid(shared_dir), 202, "", ""))
                state.sent[hostile.name] = Sent(hostile, answer, took, health, valid)
            state.opened = watch.opened()
        yield state
    finally:
        stop_hub(hub)
        drop_topics(hub)


def test_each_hostile_input_gets_its_precise_problem_fast_while_healthz_answers(run: Run) -> None:
    for name, sent in run.sent.items():
        hostile, answer = sent.hostile, sent.answer
        assert answer.status == hostile.status, (name, answer.raw[:300])
        if hostile.accepted:
            continue
        assert answer.content_type == "application/problem+json", name
        assert answer.body["code"] == hostile.code and hostile.reason in answer.body["detail"], (name, answer.body)
        limit = BODY_TIMEOUT_S + 1.0 if hostile.code == "http.body_timeout" else 1.0
        assert sent.took_s < limit, (name, sent.took_s)
        assert sent.health_s and max(sent.health_s) < HEALTH_TIMEOUT_S, (name, sent.health_s)


def test_each_refused_input_is_parked_with_its_original_bytes_and_reason(run: Run) -> None:
    expected = [s for s in run.sent.values() if s.hostile.parked]
    records = run.hub.read_topic(run.hub.catalogue.deadletter, expect=len(expected))
    by_body: dict[bytes, list[dict[str, Any]]] = {}
    for record in records:
        by_body.setdefault(record.value, []).append(json.loads(dict(record.headers)["hub-deadletter"]))
    for sent in expected:
        found = by_body.get(sent.hostile.body, [])
        assert [r["reason_code"] for r in found] == [sent.hostile.code], sent.hostile.name
        assert found[0]["origin"] == "http" and found[0]["case_id"] == sent.answer.body["case_id"]
    too_large = [s.hostile.body for s in run.sent.values() if not s.hostile.kept]
    assert too_large and not any(body in by_body for body in too_large)


def test_a_valid_message_flows_after_each(run: Run) -> None:
    valid = {name: s.valid for name, s in run.sent.items()}
    assert all(a.status == 202 for a in valid.values()), {n: a.status for n, a in valid.items()}
    for answer in valid.values():  # each to all four recipients of a Bensheim Anmeldung
        message_id = answer.body["message_id"]
        run.hub.wait_for_timeline(answer.body["case_id"], lambda t, m=message_id: sum(
            e["status"] == "delivered" and e.get("message_id") == m for e in t) >= 4, timeout_s=120)


def test_the_answer_does_not_tell_whether_the_named_file_exists(run: Run) -> None:
    for family in ("external-dtd", "utf16-nobom-dtd"):
        answers = [run.sent[f"{family}-{v}"].answer for v in ("file", "fifo", "missing")]
        assert len({(a.status, a.body["code"], a.body["detail"]) for a in answers}) == 1, family


def test_the_hub_opened_no_file_any_input_named(run: Run) -> None:
    """The canary watch is kernel-level (inotify, FIFO readers), so it sees the hub process's opens too."""
    assert run.opened == []


def test_a_token_in_an_oversized_authorization_header_is_neither_answered_nor_logged(run: Run) -> None:
    token = run.hub.token
    assert token
    header = f"Bearer {token} " + "x" * (8200 - len(f"Bearer {token} "))
    answer = call(run.port, "GET", "/api/v1/cases/00000000-0000-0000-0000-000000000000",
                  headers={"Authorization": header})
    assert (answer.status, answer.content_type, answer.body["code"]) == (431, "application/problem+json",
                                                                         "http.header_too_large")
    assert token[:12] not in answer.raw.decode()
    assert _health(run.port) < HEALTH_TIMEOUT_S

    def logged() -> str:  # the refusal is logged, by its kind only; the hub's pipe is copied to the file as it comes
        text = run.hub.log_path.read_text(errors="replace")
        return text if "LineTooLong" in text else ""

    log = wait_for(logged, "the refusal in the log", timeout_s=10)
    assert token[:12] not in log


def _authored_by(message: bytes, authority: str) -> bytes:
    """The message with `authority` as the author in its header; message id, business and all else unchanged."""
    root = etree.fromstring(message)
    prefix, key = authority.split(":")
    for path, value in (("x:nachrichtenkopf/x:autor/x:behoerdenkennung/x:praefix/code", prefix),
                        ("x:nachrichtenkopf/x:autor/x:behoerdenkennung/x:kennung/code", key)):
        found = root.xpath(path, namespaces=X)
        assert isinstance(found, list) and len(found) == 1, path
        assert isinstance(found[0], etree._Element)
        found[0].text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_message_id_another_author_used_is_refused_with_a_409_that_reveals_nothing(
        run: Run, shared_dir: Path) -> None:
    message_id, original = fresh_anmeldungen(shared_dir, 1)[0]
    owner = run.post(Hostile("owner", original, 202, "", ""))
    assert owner.status == 202, owner.raw
    owner_case = owner.body["case_id"]
    run.hub.wait_for_timeline(owner_case, lambda t: any(e["status"] == "routed" for e in t))
    foreign = _authored_by(original, HEPPENHEIM)
    answer = call(run.port, "POST", "/api/v1/messages", body=foreign, headers={
        "Authorization": f"Bearer {run.heppenheim_token}", "Content-Type": "application/xml"})
    assert (answer.status, answer.content_type) == (409, "application/problem+json"), answer.raw
    assert answer.body["code"] == "message.id_conflict" and message_id in answer.body["detail"]
    assert answer.body["case_id"] != owner_case
    assert owner_case not in answer.raw.decode() and "06431002" not in answer.raw.decode()
    parked = run.hub.read_topic(run.hub.catalogue.deadletter, expect=1)
    assert [json.loads(dict(r.headers)["hub-deadletter"])["reason_code"] for r in parked
            if r.value == foreign] == ["message.id_conflict"]
    rejected = run.hub.wait_for_timeline(answer.body["case_id"], lambda t: any(e["status"] == "rejected" for e in t))
    assert {e.get("author") for e in rejected if e["status"] == "rejected"} == {HEPPENHEIM}
    owners = run.hub.get(f"/api/v1/cases/{owner_case}").body["timeline"]
    assert all(e.get("author") != HEPPENHEIM and e["status"] != "rejected" for e in owners)


@dataclass(frozen=True)
class Ran:
    wall_s: float
    cpu_s: float
    stdout: str


def _run(command: list[str], env: dict[str, str], *, stdin_open: bool) -> Ran:
    """Run a CLI command with stdin an open pipe nobody writes to, or closed; a hang fails at HANG_S."""
    if not stdin_open:  # fd 0 closed, as under a service manager or in a container without a terminal
        command = ["sh", "-c", 'exec "$@" <&-', "sh", *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, timeout=HANG_S,
                            stdin=subprocess.PIPE if stdin_open else None, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Ran(wall, cpu, result.stdout.decode())


def test_dlq_list_and_show_return_within_2_s_with_the_corpus_parked(run: Run) -> None:
    """Each command needs under 2 s of CPU, start-up included, and the median command returns within 2 s: on the
    shared 2-core machine a single run's wall time depends on the load of others. A payload that made the tool open
    a FIFO or read the terminal would block it for good, which the HANG_S limit catches; stdin is tried open (a
    pipe nobody writes to) and closed."""
    hub = [sys.executable, "-m", "hub.cli", "dlq"]
    env = run.config.env
    parked = [s for s in run.sent.values() if s.hostile.parked]
    items = json.loads(_run([*hub, "list", "--json"], env, stdin_open=True).stdout)
    assert len(items) >= len(parked)
    by_case = {i["case_id"]: i["id"] for i in items}
    dangerous = [by_case[run.sent[n].answer.body["case_id"]]
                 for n in ("external-dtd-stdin", "external-dtd-fifo", "utf16-nobom-dtd-stdout")]
    timings = []
    for stdin_open in (True, False):
        listed = _run([*hub, "list"], env, stdin_open=stdin_open)
        assert f"{len(items)} parked item(s)." in listed.stdout
        timings.append(("list", stdin_open, listed))
        for item_id in dangerous:
            shown = _run([*hub, "show", item_id], env, stdin_open=stdin_open)
            assert "does not read as an XÖV message" in shown.stdout
            timings.append((f"show {item_id[:8]}", stdin_open, shown))
    seen = [(n, o, round(r.wall_s, 2), round(r.cpu_s, 2)) for n, o, r in timings]
    assert all(ran.cpu_s < 2.0 for _, _, ran in timings), seen
    assert statistics.median(ran.wall_s for _, _, ran in timings) < 2.0, seen
