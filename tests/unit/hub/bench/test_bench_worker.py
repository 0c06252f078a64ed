"""The worker adapter's pure parts: VmRSS from procfs, the process tree, the deployment's settings, the work folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.bench.worker import Deployment, descendants, free_ports, tree_rss_bytes, vm_rss_bytes, work_dir
from hub.settings import Settings

STATUS = "Name:\tpython\nVmPeak:\t  200000 kB\nVmRSS:\t   91236 kB\nThreads:\t4\n"


def test_vm_rss_is_read_in_bytes() -> None:
    assert vm_rss_bytes(STATUS) == 91236 * 1024
    assert vm_rss_bytes("Name:\tkthreadd\nThreads:\t1\n") is None
    with pytest.raises(ValueError, match="unit"):
        vm_rss_bytes("VmRSS:\t 12 MB\n")


def _process(proc: Path, pid: int, parent: int, rss_kib: int | None) -> None:
    folder = proc / str(pid)
    folder.mkdir()
    (folder / "stat").write_text(f"{pid} (py thon) S {parent} {pid} 0 0\n", encoding="ascii")
    (folder / "status").write_text(f"Name:\tx\nVmRSS:\t{rss_kib} kB\n" if rss_kib else "Name:\tx\n", encoding="ascii")


def test_the_rss_of_a_process_tree_sums_its_members(tmp_path: Path) -> None:
    _process(tmp_path, 10, 1, 1000)
    _process(tmp_path, 11, 10, 200)
    _process(tmp_path, 12, 11, 30)
    _process(tmp_path, 13, 1, 99999)  # not below 10
    _process(tmp_path, 14, 10, None)  # a zombie child
    (tmp_path / "self").mkdir()
    assert sorted(descendants(10, tmp_path)) == [10, 11, 12, 14]
    assert tree_rss_bytes(10, tmp_path) == 1230 * 1024


def test_the_own_process_has_resident_memory() -> None:
    assert tree_rss_bytes(os.getpid()) > 10 * 1024 * 1024


def test_a_deployment_is_isolated_by_prefix_group_port_and_folder(tmp_path: Path) -> None:
    first, second = (Deployment.new("127.0.0.1:9999", tmp_path) for _ in range(2))
    assert first.topic_prefix != second.topic_prefix and first.app_id != second.app_id
    assert first.data_dir != second.data_dir and first.data_dir.is_dir()
    env = first.env()
    assert env["HUB_KAFKA_BOOTSTRAP"] == "127.0.0.1:9999"
    assert env["HUB_HTTP_PORT"] == str(first.port)
    assert "HUB_ROUTING_DIR" not in env or env["HUB_ROUTING_DIR"] == os.environ.get("HUB_ROUTING_DIR")
    assert first.catalogue.status == f"{first.topic_prefix}hub.status"
    routed = Deployment.new("b:1", tmp_path, routing_dir=tmp_path / "r")
    assert routed.env()["HUB_ROUTING_DIR"] == str(tmp_path / "r")
    ours = {k for k in env if k.startswith("HUB_")} - {k for k in os.environ if k.startswith("HUB_")}
    assert ours and all(k.removeprefix("HUB_").lower() in Settings.model_fields for k in ours)


def test_free_ports_are_distinct() -> None:
    ports = free_ports(5)
    assert len(set(ports)) == 5


def test_a_chosen_work_folder_is_created_and_kept(tmp_path: Path) -> None:
    chosen = tmp_path / "keep" / "here"
    with work_dir(chosen, "hub-test-") as work:
        assert work == chosen and work.is_dir()
        (work / "hub.log").write_text("x", encoding="ascii")
    assert (chosen / "hub.log").exists()


def test_without_a_choice_the_work_folder_is_temporary() -> None:
    with work_dir(None, "hub-test-") as work:
        assert work.name.startswith("hub-test-") and work.is_dir()
        (work / "hub.log").write_text("x", encoding="ascii")
    assert not work.exists()
