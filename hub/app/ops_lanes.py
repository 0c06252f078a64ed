"""The delivery lanes of every worker, for the operator page's failing recipients.

A lane lives in the `lanes` table, keyed by recipient, and each worker holds the table partitions it owns. So this
worker reads its own (only the partitions it owns actively: a standby copy may lag behind) and asks every other
worker that faust's assignor names as an owner for its own, at `/ops/empfaenger`, with the caller's credentials:
a worker reports its lanes only to an operator. A worker that does not answer in time leaves its partitions out,
and the page names them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from pydantic import ValidationError
from yarl import URL

from hub.app.observability import held_lanes
from hub.ops.overview import HeldLanes

log = logging.getLogger(__name__)

LANES_PATH = "/ops/empfaenger"
PEER_TIMEOUT = aiohttp.ClientTimeout(total=5)


def local_lanes(app: Any, lanes_table: Any) -> HeldLanes:
    """The lanes on the partitions of the table this worker owns actively."""
    changelog = lanes_table.changelog_topic.get_topic_name()
    owned = tuple(sorted(tp.partition for tp in app.assignor.assigned_actives() if tp.topic == changelog))
    return HeldLanes(partitions=owned, lanes=held_lanes(lanes_table, set(owned)))


def peers(app: Any, lanes_table: Any) -> list[URL]:
    """The other workers owning partitions of the table, by the URL each advertises."""
    canonical = app.conf.canonical_url
    found = []
    for url, topics in app.router.table_metadata(lanes_table.name).items():
        peer = URL(url)
        if any(topics.values()) and (peer.host, peer.port) != (canonical.host, canonical.port):
            found.append(peer)
    return found


async def ask(client: Any, peer: URL, credentials: Mapping[str, str]) -> HeldLanes | None:
    """A peer's report, or None (logged) when it does not give one in time."""
    try:
        async with client.get(peer.with_path(LANES_PATH), headers=dict(credentials), allow_redirects=False,
                              timeout=PEER_TIMEOUT) as reply:
            if reply.status != 200:
                log.warning("worker %s refused its lanes report: HTTP %s", peer, reply.status)
                return None
            return HeldLanes.model_validate_json(await reply.read())
    except (aiohttp.ClientError, TimeoutError, ValidationError) as exc:
        log.warning("worker %s did not report its lanes: %s", peer, type(exc).__name__)
        return None


async def every_worker(app: Any, lanes_table: Any, credentials: Mapping[str, str]) -> list[HeldLanes]:
    """This worker's report and those of the peers that answered."""
    answers = await asyncio.gather(*(ask(app.http_client, peer, credentials) for peer in peers(app, lanes_table)))
    return [local_lanes(app, lanes_table), *(a for a in answers if a is not None)]
