"""Folder delivery: files appear whole under their final name or not at all, and names cannot escape the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.delivery.folder import message_filename, write_atomically

DATA = "<nachricht>Anmeldung Müller</nachricht>".encode()


def test_writes_final_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    final = write_atomically(tmp_path, "ihk-06411000_c_m.xml", DATA)
    assert final == tmp_path / "ihk-06411000_c_m.xml"
    assert final.read_bytes() == DATA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ihk-06411000_c_m.xml"]


def test_creates_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "drop" / "ihk"
    final = write_atomically(target, "a.xml", DATA)
    assert final.read_bytes() == DATA


def test_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    write_atomically(tmp_path, "a.xml", b"old content, longer than the new one")
    write_atomically(tmp_path, "a.xml", b"new")
    assert (tmp_path / "a.xml").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xml"]


def test_temp_file_is_hidden_in_the_same_folder_and_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []
    synced: list[int] = []
    real_replace, real_fsync = os.replace, os.fsync

    def spy_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append((str(src), str(dst)))
        assert Path(src).read_bytes() == DATA  # complete before it gets its final name
        assert synced, "fsync must happen before the rename"
        real_replace(src, dst)

    def spy_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "replace", spy_replace)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    write_atomically(tmp_path, "a.xml", DATA)
    (src, dst), = seen
    assert Path(src).parent == tmp_path and Path(src).name.startswith(".a.xml.") and src.endswith(".tmp")
    assert dst == str(tmp_path / "a.xml")


def test_crash_before_rename_leaves_no_final_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(src: str, dst: str) -> None:
        raise OSError("simulated crash between write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        write_atomically(tmp_path, "a.xml", DATA)
    assert not (tmp_path / "a.xml").exists()
    assert list(tmp_path.iterdir()) == []  # the temp file is cleaned up too


def test_crash_before_rename_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_atomically(tmp_path, "a.xml", b"previous")

    def crash(src: str, dst: str) -> None:
        raise OSError("simulated crash")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(tmp_path, "a.xml", DATA)
    assert (tmp_path / "a.xml").read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xml"]


@pytest.mark.parametrize("name", ["", ".", "..", ".hidden.xml", "../escape.xml", "sub/a.xml", "sub\\a.xml",
                                  "/etc/passwd", "a\0.xml"])
def test_refuses_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        write_atomically(tmp_path, name, DATA)
    assert list(tmp_path.iterdir()) == []


def test_message_filename_is_stable_and_readable() -> None:
    name = message_filename("7d1e0c4a-1111-4b4b-9c9c-000000000001", "4f1c2d3e-aaaa-4bbb-8ccc-000000000002",
                            "ihk:06411000")
    assert name == "ihk-06411000_7d1e0c4a-1111-4b4b-9c9c-000000000001_4f1c2d3e-aaaa-4bbb-8ccc-000000000002.xml"
    assert name == message_filename("7d1e0c4a-1111-4b4b-9c9c-000000000001", "4f1c2d3e-aaaa-4bbb-8ccc-000000000002",
                                    "ihk:06411000")


def test_message_filename_distinct_per_recipient_and_message() -> None:
    names = {message_filename("c", m, r) for m in ("m1", "m2") for r in ("ihk:1", "xga:1")}
    assert len(names) == 4


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "a/b", ".hidden", "a_b", "x" * 300, "ü", "", "a\0b",
                                     "C:\\windows"])
def test_message_filename_neutralises_hostile_ids(tmp_path: Path, hostile: str) -> None:
    name = message_filename("case", hostile, "ihk:06411000")
    assert name.startswith("ihk-06411000_case_") and name.endswith(".xml")
    assert name.count("_") == 2 and len(name) < 200
    assert name == message_filename("case", hostile, "ihk:06411000")
    final = write_atomically(tmp_path, name, DATA)  # accepted as a plain name inside the folder
    assert final.parent == tmp_path


def test_message_filename_sanitised_ids_do_not_collide() -> None:
    assert message_filename("c", "a/b", "ihk:1") != message_filename("c", "a-b", "ihk:1")
    assert message_filename("c", "a/b", "ihk:1") != message_filename("c", "a\\b", "ihk:1")
