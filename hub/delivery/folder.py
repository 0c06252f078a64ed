"""Delivery into a folder watched by a recipient system: files appear complete under their final name, or not at all.

The recipient may pick a file up the moment its name appears, so it is written under a hidden temporary name in the
same folder (same file system), flushed and fsynced, and only then renamed; a crash leaves at most a hidden temp file.
Blocking I/O: call it from async code via asyncio.to_thread.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

_SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,63}")


def write_atomically(folder: Path, filename: str, data: bytes, *, mode: int = 0o640) -> Path:
    """Write `data` to folder/filename atomically (temp file, fsync, os.replace) and return the final path.

    Creates `folder` if missing. Refuses (ValueError) names that are empty, contain a path separator or NUL, or start
    with a dot: hidden names are reserved for temp files, and separators would escape the folder. An existing file
    of the same name is replaced whole; on any error the temp file is removed and the previous file left intact.
    """
    check_filename(filename)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / filename
    temp = folder / f".{filename}.{uuid.uuid4().hex}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return final


def check_filename(filename: str) -> None:
    """Raise ValueError unless `filename` is a plain, visible file name inside its folder."""
    separators = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if not filename or filename in (".", ".."):
        raise ValueError("file name must not be empty, '.' or '..'")
    if any(sep in filename for sep in separators) or "\0" in filename:
        raise ValueError(f"file name must not contain a path separator or NUL: {filename!r}")
    if filename.startswith("."):
        raise ValueError(f"file name must not start with a dot (reserved for temporary files): {filename!r}")


def message_filename(case_id: str, message_id: str, recipient: str) -> str:
    """`{recipient with ':' as '-'}_{case_id}_{message_id}.xml`: stable, so a redelivery overwrites its own file.

    A part that is not plain ([A-Za-z0-9.-], up to 64 characters, starting alphanumeric) is reduced to such
    characters and suffixed with a hash of the original, so hostile ids cannot escape the folder or collide.
    """
    return f"{_safe_part(recipient.replace(':', '-'))}_{_safe_part(case_id)}_{_safe_part(message_id)}.xml"


def _safe_part(part: str) -> str:
    if _SAFE_PART.fullmatch(part):
        return part
    digest = hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", part).strip(".-")[:40]
    return f"{cleaned}-{digest}" if cleaned else digest


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
