"""Which replica polls: a lease in the database, renewed every third of LEASE_SECONDS or so.

Every replica answers people; only the lease's holder runs the poller, and it checks the lease
again right before each announcement (the fence), so a replica that was paused past its lease
(a long GC, a frozen VM) posts nothing once another one has taken over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.watch.store import Store

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another replica holds the poller's lease now: this one must not announce."""


def replica_name() -> str:
    """This process among the replicas: host, process and a random part (pids repeat)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Leadership:
    """Claims or renews the lease on a schedule and runs the poller only while it is held."""

    def __init__(
        self,
        store: Store,
        *,
        seconds: float,
        every: float | None = None,
        holder: str | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._seconds = seconds
        # How often to claim or renew: a follower takes over at most this long after expiry.
        self._every = min(seconds / 3, every or seconds)
        self.holder = holder or replica_name()
        self._clock = clock
        self._sleep = sleep
        self._held_until = 0.0
        self._failing = False
        self.leading = False

    @property
    def role(self) -> str:
        """ "leader" while this replica polls, else "follower"."""
        return "leader" if self.leading else "follower"

    async def fence(self) -> None:
        """Raise LeaseLost unless the database still says the lease is this replica's."""
        if not await self._store.holds_lease(self.holder, now=self._clock()):
            self.leading = False
            raise LeaseLost(f"replica {self.holder} no longer holds the poller's lease")

    async def run(self, poll: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Forever: hold the lease and poll, or follow; on the way out, give the lease up."""
        task: asyncio.Task[None] | None = None
        try:
            while True:
                held = await self._claim()
                if task is not None and task.done():
                    if not task.cancelled() and isinstance(task.exception(), LeaseLost):
                        logger.warning("%s; stopped polling", task.exception())
                    task = None
                if held and task is None:
                    logger.info("this replica (%s) polls Arena now", self.holder)
                    task = asyncio.create_task(poll(), name="poller")
                elif not held and task is not None:
                    logger.warning("another replica polls Arena now; this one only answers")
                    await _cancel(task)
                    task = None
                self.leading = task is not None
                await self._sleep(self._every)
        finally:
            if task is not None:
                await _cancel(task)
            if self.leading:
                self.leading = False
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._store.release_lease(self.holder))

    async def _claim(self) -> bool:
        """Claim or renew; while the database cannot be reached, the lease lasts what it had."""
        now = self._clock()
        try:
            held = await self._store.claim_lease(self.holder, now=now, seconds=self._seconds)
        except Exception as exc:
            # The lease in the database outlives a short outage; polling stops before it ends.
            if not self._failing:
                logger.warning("renewing the poller's lease failed: %s", exc)
            self._failing = True
            return now < self._held_until - self._every
        if self._failing:
            logger.info("the database answers again")
        self._failing = False
        if held:
            self._held_until = now + self._seconds
        return held


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, LeaseLost):
        await task
