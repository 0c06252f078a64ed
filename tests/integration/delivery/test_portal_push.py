"""Portal pushes arrive in the order of a case's steps, numbered 1, 2, 3, … per case, also after a portal outage."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hub.delivery.signing import verify
from tests.support.hub_process import drop_topics, new_config, operator_token, start_hub, stop_hub
from tests.support.recipient_server import recipient_server

pytestmark = pytest.mark.integration
OUTAGE_CALLS = 6  # the portal refuses its first six calls: an outage of several seconds with the hub's backoff
SECRET = "p" * 40


def test_pushes_of_a_case_arrive_in_order_with_consecutive_numbers_after_an_outage(
        kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> None:
    with recipient_server({"/portal": OUTAGE_CALLS}) as server:
        secrets = tmp_path_factory.mktemp("portal") / "secrets.toml"
        secrets.write_text(f'[webhook_secrets]\nportal = "{SECRET}"\n\n[portal]\nurl = "{server.url("/portal")}"\n'
                           'secret_name = "portal"\n')
        config = new_config(kafka_bootstrap, tmp_path_factory, extra_env={"HUB_SECRETS_FILE": str(secrets)})
        hub = start_hub(config, operator_token(config))
        try:
            messages = sorted((shared_dir / "samples" / "xbau").glob("*.xml"))
            case_id = {hub.post(p.read_bytes()).body["case_id"] for p in messages}.pop()
            timeline = hub.wait_for_timeline(
                case_id, lambda t: sum(1 for e in t if e["status"] == "routed") == len(messages), timeout_s=120)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                pushed = [json.loads(c.body) for c in server.calls_to("/portal") if c.answered == 200]
                mine = [p for p in pushed if p["case_id"] == case_id]
                if len(mine) >= len(timeline):
                    break
                time.sleep(0.5)
            assert len(server.calls_to("/portal")) > OUTAGE_CALLS  # the outage happened, and was outlasted
            assert [p["seq"] for p in mine] == list(range(1, len(mine) + 1))  # in order, no gap, no repeat
            assert [p["entry"]["status"] for p in mine][:3] == ["received", "validated", "routed"]
            assert all(verify(SECRET.encode(), c.body, c.headers, now=int(time.time()))
                       for c in server.calls_to("/portal"))
        finally:
            stop_hub(hub)
            drop_topics(hub)
