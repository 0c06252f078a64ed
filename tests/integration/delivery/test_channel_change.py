"""A channel added later serves only what arrives afterwards; history goes out again only on `hub replay`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.settings import Settings
from tests.support.hub_process import drop_topics, new_config, operator_token, start_hub, stop_hub
from tests.support.messages import fresh_anmeldungen

pytestmark = pytest.mark.integration
FINANZAMT = "fin:2605"


def _folder_channel(authorities: Path, folder: Path) -> None:
    text = authorities.read_text()
    marker = f'key = "{FINANZAMT}"\n'
    start = text.index(marker)
    line_end = text.index("\n", text.index("serves = ", start))
    authorities.write_text(text[:line_end + 1] + f'delivery = {{ channel = "folder", path = "{folder}" }}\n'
                           + text[line_end + 1:])


def _wait_for(condition: object, what: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_new_channel_gets_only_new_messages_until_history_is_replayed(
        kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> None:
    base = tmp_path_factory.mktemp("channel")
    routing_dir, folder = base / "routing", base / "finanzamt-eingang"
    shutil.copytree(Settings().routing_dir, routing_dir)
    config = new_config(kafka_bootstrap, tmp_path_factory, routing_dir=routing_dir)
    token = operator_token(config)
    messages = fresh_anmeldungen(shared_dir, 4)
    since = datetime.now(UTC) - timedelta(seconds=5)
    hub = start_hub(config, token)
    try:
        for _message_id, data in messages[:3]:  # history: the Finanzamt still fetches from its inbox
            assert hub.post(data).status == 202
        hub.wait_for_inbox(FINANZAMT, 3)
    finally:
        stop_hub(hub)
    _folder_channel(routing_dir / "authorities.toml", folder)
    hub = start_hub(config, token)
    try:
        new_id, new_data = messages[3]
        answer = hub.post(new_data)
        assert answer.status == 202
        hub.wait_for_timeline(answer.body["case_id"],
                              lambda t: any(e["status"] == "delivered" and e.get("recipient") == FINANZAMT for e in t))
        written = sorted(p.name for p in folder.glob("*.xml"))
        assert len(written) == 1 and new_id in written[0]  # nothing of the history was sent again
        replay = subprocess.run([sys.executable, "-m", "hub.cli", "replay", "--recipient", FINANZAMT,
                                 "--since", since.isoformat(), "--yes"], env=config.env, capture_output=True,
                                text=True, timeout=120, check=False)
        assert replay.returncode == 0, replay.stderr
        assert "4 copies sent" in replay.stdout
        _wait_for(lambda: len(list(folder.glob("*.xml"))) == 4, "the replayed history in the folder")
        assert all(any(m in p.name for p in folder.glob("*.xml")) for m, _d in messages)
    finally:
        stop_hub(hub)
        drop_topics(hub)
