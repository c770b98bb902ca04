"""At start: log in to Arena and call Slack's auth.test before taking requests; retry failures."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.arena.client import ArenaClient
from bot.slack.identity import SlackIdentity

logger = logging.getLogger(__name__)

# How long the start waits for the first tries before it serves anyway (answers then say why).
FIRST_TRY_SECONDS = 3.0
RETRY_SECONDS = 2.0
RETRY_MAX_SECONDS = 300.0
# How long `ahead` lets the two requests go out before the caller goes on with its start.
SEND_AHEAD_SECONDS = 0.02


class WarmUp:
    """Arena's session and the bot's Slack identity, first tried before requests, then retried."""

    def __init__(self, arena: ArenaClient, identity: SlackIdentity) -> None:
        self.identity = identity
        self._calls = [("Arena login", arena.login), ("Slack auth.test", identity.fetch)]
        self._tasks: list[asyncio.Task[None]] = []
        self._tried: list[asyncio.Event] = []

    def begin(self) -> None:
        """Send both now (they go out at the next await, beside the rest of the start)."""
        self._tried = [asyncio.Event() for _ in self._calls]
        self._tasks = [
            asyncio.create_task(_keep_trying(what, call, event), name=what)
            for (what, call), event in zip(self._calls, self._tried, strict=True)
        ]

    @classmethod
    async def ahead(cls, arena: ArenaClient, identity: SlackIdentity) -> WarmUp:
        """Begun, with a moment for both requests to go out: what the start does next (importing
        the rest of the app) then overlaps Arena's and Slack's answers instead of preceding them."""
        warm_up = cls(arena, identity)
        warm_up.begin()
        await asyncio.wait(warm_up._tasks, timeout=SEND_AHEAD_SECONDS)
        return warm_up

    async def tried(self) -> None:
        """Return when both were tried once (or after FIRST_TRY_SECONDS): take requests then."""
        waits = [asyncio.create_task(event.wait()) for event in self._tried]
        _, late = await asyncio.wait(waits, timeout=FIRST_TRY_SECONDS)
        for wait in late:
            wait.cancel()

    async def stop(self) -> None:
        """Stop the retries still going."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT, from now on: before anything of the start goes out,
    so that a SIGTERM during the start stops the bot as it should (logging out of Arena)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


def forget_signals() -> None:
    """SIGTERM and SIGINT as they were before `stop_on_signals`."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.remove_signal_handler(sig)


async def _keep_trying(
    what: str, call: Callable[[], Awaitable[None]], tried: asyncio.Event
) -> None:
    """`call()` until it succeeds: the first failure is a warning, later ones say less."""
    delay, failures = RETRY_SECONDS, 0
    while True:
        try:
            await call()
        except Exception as exc:
            failures += 1
            log = logger.warning if failures == 1 else logger.debug
            log("%s at start failed (%s); trying again in the background", what, exc)
        else:
            if failures:
                logger.info("%s succeeded after %d failed tries", what, failures)
            tried.set()
            return
        tried.set()
        await asyncio.sleep(delay)
        delay = min(delay * 2, RETRY_MAX_SECONDS)
