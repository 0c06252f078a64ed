"""The shipped routing data with other delivery channels, for tests that need a webhook, folder or inbox recipient."""

from __future__ import annotations

import shutil
from pathlib import Path

from hub.settings import Settings


def with_delivery(authorities_toml: str, key: str, delivery: str) -> str:
    """`authorities.toml` with `delivery = <delivery>` added to the entry of authority `key` (after its `serves`)."""
    start = authorities_toml.index(f'key = "{key}"\n')
    line_end = authorities_toml.index("\n", authorities_toml.index("serves = ", start))
    return authorities_toml[:line_end + 1] + f"delivery = {delivery}\n" + authorities_toml[line_end + 1:]


def webhook_routing(base: Path, key: str, url: str, *, max_attempts: int, timeout_s: float = 2) -> tuple[Path, Path]:
    """A copy of the shipped routing data below `base` in which authority `key` is served by the webhook at `url`,
    and a secrets file with its secret: (routing dir, secrets file), for HUB_ROUTING_DIR and HUB_SECRETS_FILE."""
    routing_dir = base / "routing"
    shutil.copytree(Settings().routing_dir, routing_dir)
    authorities = routing_dir / "authorities.toml"
    webhook = (f'{{ channel = "webhook", url = "{url}", secret = "webhook", max_attempts = {max_attempts}, '
               f'timeout_s = {timeout_s} }}')
    authorities.write_text(with_delivery(authorities.read_text(), key, webhook))
    secrets = base / "secrets.toml"
    secrets.write_text('[webhook_secrets]\nwebhook = "' + "w" * 40 + '"\n')
    return routing_dir, secrets
