"""limit_malloc_arenas and heap_trimmer: set and callable on glibc, a no-op (False, None) where there is no such C
library."""

from __future__ import annotations

import ctypes
import platform

import pytest

from hub.memory import heap_trimmer, limit_malloc_arenas


def test_the_arena_cap_is_set_exactly_where_the_c_library_is_glibc() -> None:
    assert limit_malloc_arenas(2) is (platform.libc_ver()[0] == "glibc")


def test_a_library_that_cannot_be_loaded_changes_nothing() -> None:
    assert limit_malloc_arenas(2, library="libdoes-not-exist.so.0") is False


class LibraryWithoutFunctions:
    """A loaded C library that has none of the functions asked for."""

    def __init__(self, _name: str) -> None:
        pass

    def __getattr__(self, name: str) -> object:
        raise AttributeError(name)


def test_a_c_library_without_mallopt_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes, "CDLL", LibraryWithoutFunctions)
    assert limit_malloc_arenas(2, library="libc.so.6") is False


def test_the_heap_can_be_trimmed_exactly_where_the_c_library_is_glibc() -> None:
    trim = heap_trimmer()
    assert (trim is not None) is (platform.libc_ver()[0] == "glibc")
    if trim is not None:
        chunks = [bytearray(64 * 1024) for _ in range(2000)]  # 128 MB of heap (below the mmap threshold)
        kept = chunks[::10]  # every tenth stays, so free() alone cannot shrink the heap: its free pages are holes
        del chunks
        assert trim() is True  # the holes' pages went back to the system
        assert len(kept) == 200


def test_no_trimmer_where_the_library_cannot_be_loaded_or_has_no_malloc_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    assert heap_trimmer(library="libdoes-not-exist.so.0") is None
    monkeypatch.setattr(ctypes, "CDLL", LibraryWithoutFunctions)
    assert heap_trimmer(library="libc.so.6") is None
