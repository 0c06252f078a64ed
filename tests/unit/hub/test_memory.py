"""limit_malloc_arenas: set on glibc, a no-op (False) where there is no such C library."""

from __future__ import annotations

import ctypes
import platform

import pytest

from hub.memory import limit_malloc_arenas


def test_the_arena_cap_is_set_exactly_where_the_c_library_is_glibc() -> None:
    assert limit_malloc_arenas(2) is (platform.libc_ver()[0] == "glibc")


def test_a_library_that_cannot_be_loaded_changes_nothing() -> None:
    assert limit_malloc_arenas(2, library="libdoes-not-exist.so.0") is False


def test_a_c_library_without_mallopt_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoMallopt:
        def __init__(self, _name: str) -> None:
            pass

        def __getattr__(self, name: str) -> object:
            raise AttributeError(name)

    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    assert limit_malloc_arenas(2, library="libc.so.6") is False
