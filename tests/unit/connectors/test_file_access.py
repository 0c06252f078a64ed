"""Reading the hostile corpus opens no file and makes no network call, whatever path or URL an input names.

The canary watch (tests/support/file_watch.py) sees only the canary files. This test covers every other name too
(/dev/stdin, /dev/stdout, http://…): a child process reads the corpus under strace, which logs each system call
of the file and network classes (open, openat, stat, access, socket, connect, …) the kernel sees, C code included.
Marker stats of non-existent paths bracket the reading; between them the log may hold only stats of the hub's own
schema folder, which the connectors resolve for every message alike. A control parser that loads DTDs, run after
the end marker, shows strace does report libxml2's opens.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

from hub.settings import Settings
from tests.support.file_watch import make_canaries
from tests.support.hostile import parser_corpus

LIMIT = 1024 * 1024
STATS = ("stat", "lstat", "newfstatat", "statx", "fstatat64")
START, END, CONTROL = "/hub-strace-marker-start", "/hub-strace-marker-end", "/hub-strace-marker-control"
CHILD = f"""
import base64, json, os, sys
from pathlib import Path
from lxml import etree
from connectors.errors import ConnectorError
from connectors.reading import read_message
from hub.settings import Settings

config = Settings().connector_config

bodies = [base64.b64decode(b) for b in json.loads(Path(sys.argv[1]).read_text())]
for sample in sys.argv[3:]:
    read_message(Path(sample).read_bytes(), max_bytes={LIMIT}, config=config)  # schemas load before the markers

def mark(path):
    try:
        os.stat(path)
    except FileNotFoundError:
        pass

mark({START!r})
for body in bodies:
    try:
        read_message(body, max_bytes={LIMIT}, config=config)
    except ConnectorError:
        pass
mark({END!r})
etree.fromstring(('<!DOCTYPE x SYSTEM "file://' + sys.argv[2] + '"><x/>').encode(),
                 parser=etree.XMLParser(load_dtd=True, no_network=True))
mark({CONTROL!r})
"""


def _own_folder_stat(line: str, shared_dir: Path) -> bool:
    """A stat of the hub's own schema folder or a folder above it (resolving its path): the same for every input,
    so it neither reads nor reveals a file a message names. Opens and network calls are never allowed."""
    found = re.match(r'^\d+\s+(?P<call>\w+)\((?:AT_FDCWD, )?"(?P<path>[^"]*)"', line)
    if found is None or found["call"] not in STATS:
        return False
    folder, path = str(shared_dir.resolve()), found["path"]
    return folder.startswith(path) or path.startswith(folder)


def _between(lines: list[str], first: str, last: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if first in line)
    end = next(i for i, line in enumerate(lines) if last in line)
    return lines[start + 1:end]


def test_reading_the_corpus_opens_no_file_and_calls_no_network(tmp_path: Path, settings: Settings) -> None:
    canaries = make_canaries(tmp_path / "canaries")
    corpus = parser_corpus(settings.shared_dir, canaries, max_bytes=LIMIT)
    assert any(b"/dev/stdin" in h.body for h in corpus) and any(b"http://" in h.body for h in corpus)
    bodies = tmp_path / "bodies.json"
    bodies.write_text(json.dumps([base64.b64encode(h.body).decode() for h in corpus]))
    samples = [str(p) for folder in ("xgewerbeanzeige", "xbau", "xmeld", "xpersonenstand")
               for p in sorted((settings.shared_dir / "samples" / folder).glob("*.xml"))]
    log = tmp_path / "strace.log"
    command = ["strace", "-f", "-qq", "-o", str(log), "-e", "trace=%file,%network",
               sys.executable, "-c", CHILD, str(bodies), str(canaries.existing), *samples]
    result = subprocess.run(command, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                            cwd=Path(__file__).resolve().parents[3], check=False)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    lines = log.read_text().splitlines()
    assert [line for line in _between(lines, START, END) if not _own_folder_stat(line, settings.shared_dir)] == []
    assert any(str(canaries.existing) in line for line in _between(lines, END, CONTROL)), "strace saw no open"
