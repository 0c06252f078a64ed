"""Tell whether anything in the process opened a canary file, whether Python or C code (libxml2) did it.

A Python-level patch of `open` or an audit hook cannot see libxml2, which opens files with the C library. The
kernel sees every open, so this watch asks it:
- the canary folder is watched with inotify (IN_OPEN | IN_ACCESS), which reports the open of a regular file by
  any code of any process;
- opening a FIFO for reading blocks until a writer comes, so the parser would hang instead of being reported. A
  thread tries, again and again, to open the FIFO for writing without blocking: that succeeds only while someone
  holds it open for reading. It then records the open and closes its end, which releases the reader with EOF.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.hostile import Canaries

_IN_ACCESS, _IN_OPEN = 0x001, 0x020
_IN_NONBLOCK, _IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
_EVENT = struct.Struct("iIII")


class FileWatch:
    """Records every open of the canaries while it runs; `opened()` returns (and clears) what was opened."""

    def __init__(self, canaries: Canaries) -> None:
        self.canaries = canaries
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        folder = str(canaries.existing.parent).encode()
        if self._libc.inotify_add_watch(self._fd, folder, _IN_OPEN | _IN_ACCESS) < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch({folder!r}) failed")
        self._fifo_opens = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._releaser = threading.Thread(target=self._release_fifo_readers, daemon=True)
        self._releaser.start()

    def _release_fifo_readers(self) -> None:
        while not self._stop.wait(0.005):
            try:
                writer = os.open(self.canaries.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:  # ENXIO: nobody has the FIFO open for reading
                if exc.errno != errno.ENXIO:
                    raise
                continue
            with self._lock:
                self._fifo_opens += 1
            os.close(writer)

    def _inotify_names(self) -> list[str]:
        names: list[str] = []
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except BlockingIOError:
                return names
            offset = 0
            while offset < len(chunk):
                _wd, _mask, _cookie, length = _EVENT.unpack_from(chunk, offset)
                start = offset + _EVENT.size
                names.append(chunk[start:start + length].rstrip(b"\0").decode())
                offset = start + length

    def opened(self) -> list[str]:
        """Names of the canaries opened since the last call (the FIFO once per open)."""
        with self._lock:
            fifo, self._fifo_opens = self._fifo_opens, 0
        fifo_name = self.canaries.fifo.name
        found = [n for n in self._inotify_names() if n and n != fifo_name]
        return found + [fifo_name] * fifo

    def close(self) -> None:
        self._stop.set()
        self._releaser.join()
        os.close(self._fd)


def make_canaries(folder: Path) -> Canaries:
    """An existing file, a FIFO and a name that does not exist, alone in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    canaries = Canaries(existing=folder / "canary.dtd", fifo=folder / "canary.fifo", missing=folder / "missing.dtd")
    canaries.existing.write_text('<!ENTITY canary "opened">\n', encoding="utf-8")
    os.mkfifo(canaries.fifo)
    return canaries


@contextmanager
def watching(canaries: Canaries) -> Iterator[FileWatch]:
    watch = FileWatch(canaries)
    try:
        yield watch
    finally:
        watch.close()
