"""Memory settings of the worker process that Python leaves to the C library.

glibc gives every thread that allocates its own malloc arena (up to eight per core) and seldom returns their memory
to the system. The worker reads each ingest batch in a pool thread while the loop serves the API, so each thread's
arena grows to a batch's parsed trees and keeps that size; two arenas do the same work in far less memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
WORKER_ARENAS = 2


def limit_malloc_arenas(arenas: int = WORKER_ARENAS, *, library: str | None = None) -> bool:
    """Cap glibc's malloc arenas for this process; call it before any thread starts. False where the C library is
    not glibc (nothing changes there) or refuses the setting."""
    name = library if library is not None else ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
