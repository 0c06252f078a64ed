"""Memory settings of the worker process that Python leaves to the C library.

glibc gives every thread that allocates its own malloc arena (up to eight per core) and seldom returns their memory
to the system. The worker reads each ingest batch in a pool thread while the loop serves the API, so each thread's
arena grows to a batch's parsed trees and keeps that size; two arenas do the same work in far less memory. Even then
the heap keeps the pages a batch freed, so the worker hands them back every few seconds (`malloc_trim`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from typing import Any

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
WORKER_ARENAS = 2
HEAP_TRIM_INTERVAL_S = 10.0


def _libc_function(function: str, library: str | None) -> Any | None:
    name = library if library is not None else ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None


def limit_malloc_arenas(arenas: int = WORKER_ARENAS, *, library: str | None = None) -> bool:
    """Cap glibc's malloc arenas for this process; call it before any thread starts. False where the C library is
    not glibc (nothing changes there) or refuses the setting."""
    mallopt = _libc_function("mallopt", library)
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))


def heap_trimmer(*, library: str | None = None) -> Callable[[], bool] | None:
    """A call of glibc's malloc_trim(0), which returns the heap's free pages to the system (True when it released
    any); None where the C library has no such function."""
    trim = _libc_function("malloc_trim", library)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: bool(trim(0))
