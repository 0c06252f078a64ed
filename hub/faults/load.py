"""The fault suite's load: the benchmark's load generator at a steady rate, with each message POSTed again until
the hub answers it, as a sending system does while the hub is down.

A connection error, a 502/503/504 or a POST without an answer is tried again after a short pause (growing to two
seconds) until the message is answered or `give_up_after_s` has passed; any other answer is final. A message counts
as accepted once it got a 202: for a new message, or for one the hub had taken before (its answer was lost).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from hub.bench.load import Answer, LoadGenerator
from hub.bench.messages import Generated

RETRIED = frozenset({0, 502, 503, 504})  # 0: no answer (connection refused or dropped, timeout)
FIRST_PAUSE_S, LONGEST_PAUSE_S = 0.2, 2.0


def taken(answer: Answer) -> bool:
    """The hub holds the message: it answered 202 with the case, new or as a repeat."""
    return answer.status == 202 and answer.case_id is not None


class RetryingLoad(LoadGenerator):
    """A LoadGenerator whose `post` retries a message until it is answered; counts the retries."""

    def __init__(self, base_url: str, token: str, *, connections: int, give_up_after_s: float) -> None:
        super().__init__(base_url, token, connections=connections)
        self.give_up_after_s = give_up_after_s
        self.retries = 0  # POSTs that were tries again of a message
        self.answered = 0  # messages with a final answer so far
        self.accepted = 0  # of those, taken by the hub

    async def post(self, message: Generated) -> Answer:
        started = time.monotonic()
        pause = FIRST_PAUSE_S
        while True:
            answer = await super().post(message)
            if answer.status not in RETRIED or time.monotonic() - started >= self.give_up_after_s:
                self.answered += 1
                self.accepted += taken(answer)
                return replace(answer, sent_at=started)
            self.retries += 1
            await asyncio.sleep(pause)  # the sender's pause before it tries again
            pause = min(pause * 2, LONGEST_PAUSE_S)
