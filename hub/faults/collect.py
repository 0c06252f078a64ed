"""What the hub's API shows at the end of a run, read as its users read it: each inbox listed page by page, each
case's timeline, with an operator's token."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import aiohttp

from hub.faults.errors import FaultSuiteError

PAGE = 1000  # the most one inbox page holds
PARALLEL = 16  # case reads in flight at once
_ATTEMPTS = 5  # a read answered 503 (the worker is rebalancing) is tried again this often


class ApiReader:
    """GETs against one worker's API with a bearer token."""

    def __init__(self, base_url: str, token: str, timeout_s: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _get(self, session: aiohttp.ClientSession, path: str, params: dict[str, str] | None = None
                   ) -> tuple[int, Any]:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                async with session.get(self.base_url + path, params=params) as response:
                    body = await response.json(content_type=None)
                    if response.status != 503 or attempt == _ATTEMPTS:
                        return response.status, body
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                if attempt == _ATTEMPTS:
                    raise FaultSuiteError(f"GET {path}", f"no answer ({type(exc).__name__})") from exc
            await asyncio.sleep(attempt * 0.5)  # the worker asked to be asked again shortly
        raise AssertionError("unreachable")

    def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)

    async def inbox(self, authority: str) -> list[str]:
        """Every message id the inbox lists, page after page, in the order listed (repeats kept)."""
        listed: list[str] = []
        after: str | None = None
        async with self._session() as session:
            while True:
                params = {"limit": str(PAGE), **({"after": after} if after else {})}
                status, body = await self._get(session, f"/api/v1/inbox/{quote(authority, safe=':')}", params)
                if status != 200 or not isinstance(body, dict):
                    raise FaultSuiteError(f"inbox {authority}", f"HTTP {status}: {body!r:.200}")
                listed += [w["message_id"] for w in body.get("waiting", [])]
                after = body.get("next")
                if not after:
                    return listed

    async def timelines(self, case_ids: Iterable[str]) -> tuple[dict[str, Sequence[dict[str, Any]]],
                                                                 dict[str, str]]:
        """Each case's timeline, and for a case that could not be read, why."""
        found: dict[str, Sequence[dict[str, Any]]] = {}
        failed: dict[str, str] = {}
        room = asyncio.Semaphore(PARALLEL)

        async def one(session: aiohttp.ClientSession, case_id: str) -> None:
            async with room:
                status, body = await self._get(session, f"/api/v1/cases/{quote(case_id, safe='')}")
            if status == 200 and isinstance(body, dict) and isinstance(body.get("timeline"), list):
                found[case_id] = body["timeline"]
            else:
                code = body.get("code") if isinstance(body, dict) else None
                failed[case_id] = f"case not readable: HTTP {status}" + (f" {code}" if code else "")

        async with self._session() as session:
            await asyncio.gather(*(one(session, c) for c in dict.fromkeys(case_ids)))
        return found, failed
