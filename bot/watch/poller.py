"""The poller: reads each watched or subscribed import's runs and tells the channels."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.quota import Quota
from bot.deps import Deps
from bot.watch.backoff import Backoff
from bot.watch.channels import Channels
from bot.watch.health import Health
from bot.watch.imports import ImportReads, first_read
from bot.watch.lease import LeaseLost
from bot.watch.schedule import Pace, pace
from bot.watch.store import Store, StoreError
from bot.watch.subscriptions import Subscriptions
from bot.watch.sweep import Sweep, Work
from bot.watch.watches import Watches, outcome

__all__ = ["Poller", "outcome"]

logger = logging.getLogger(__name__)


class Poller:
    """One task in the app's event loop; the clock and sleep are injectable for simulations.

    Every import, and every watched run, is its own unit of work: a failure is logged once,
    counted, and waits on its own backoff while the others go on.
    """

    def __init__(
        self,
        deps: Deps,
        *,
        store: Store,
        slack: AsyncWebClient,
        clock: Callable[[], float] = time.time,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        fence: Callable[[], Awaitable[None]] | None = None,
        leading: Callable[[], bool] | None = None,
    ) -> None:
        self._deps = deps
        self._store = store
        self._leading = leading  # the lease's verdict; without a lease, this poller polls
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self._base = deps.settings.poll_interval_seconds
        cap = max(self._base, deps.settings.poll_max_interval_seconds)
        # `fence` raises LeaseLost once another replica polls: checked before each post.
        self._channels = Channels(slack, clock, fence=fence)
        self._backoff = Backoff(base=self._base, cap=cap)
        self._reads = ImportReads(deps.arena, base=self._base, cap=cap)
        self._watches = Watches(
            deps,
            store=store,
            channels=self._channels,
            backoff=self._backoff,
            reads=self._reads,
            base=self._base,
            cap=cap,
        )
        self._sweep = Sweep(
            store=store,
            reads=self._reads,
            backoff=self._backoff,
            watches=self._watches,
            subscriptions=Subscriptions(deps, store=store, channels=self._channels),
            paused=self._paused,
            factor=lambda: self.pace.factor,
        )
        self.health = Health(self._base, clock)
        self.last_poll_at: datetime | None = None
        self._woken = asyncio.Event()
        self._pause_said: str | None = None
        self._quota: tuple[Quota, datetime] = (deps.arena.quota, wall())
        self._crash_said: str | None = None

    @property
    def pace(self) -> Pace:
        """How polling stands with Arena's quota right now (a 429 shows at once)."""
        quota, now = self._deps.arena.quota, self._wall()
        if quota != self._quota[0]:
            self._quota = (quota, now)
        # "Look again within the hour" counts on the poller's clock, from when it saw the news.
        seen = replace(quota, updated_at=self._quota[1])
        return pace(seen, reserve=self._deps.settings.arena_quota_reserve, now=now)

    def now(self) -> float:
        """The poller's clock (epoch seconds): watches are scheduled on it."""
        return self._clock()

    def wake(self, *, subscribed: str | None = None) -> None:
        """Plan again: a watch was just added, or a subscription to the import `subscribed`."""
        if subscribed is not None:
            self._reads.soon(subscribed, self._clock())
        self._woken.set()

    def leading(self) -> bool:
        """Whether this replica polls (holds the lease), or only answers people."""
        return self._leading() if self._leading is not None else True

    def problems(self) -> list[str]:
        """The last error of each import and watched run, one line each (for `status`)."""
        now = self._clock()
        lines = []
        for item, failure in self._backoff.failures().items():
            if failure.count:
                wait = max(0.0, failure.next_at - now)
                state = f"{failure.count} in a row, next try in {wait:.0f} s"
            else:
                state = "working again"
            lines.append(f"{item}: {failure.error} ({state})")
        return lines

    def unhealthy(self) -> str | None:
        """Why `/healthz` should answer 503, or None."""
        refusal = self._deps.arena.login_gate.refusal
        return self.health.problem(login_refused=str(refusal) if refusal else None)

    def login_problem(self) -> str | None:
        """Why `/healthz` should answer 503 on a replica that does not poll, or None."""
        refusal = self._deps.arena.login_gate.refusal
        return self.health.problem(login_refused=str(refusal)) if refusal else None

    async def run(self) -> None:
        """Poll forever; every failure is logged once and polling goes on (LeaseLost ends it)."""
        self.health.end()  # a replica that just took over has no pass overdue yet
        while True:
            self._woken.clear()
            try:
                delay = await self.tick()
            except LeaseLost:
                raise
            except Exception as exc:
                # The poller must outlive anything; the same failure is logged once.
                if repr(exc) != self._crash_said:
                    if isinstance(exc, StoreError):  # the database, not a bug: no traceback
                        logger.error("poller pass failed: %s", exc)
                    else:
                        logger.exception("poller pass failed")
                self._crash_said = repr(exc)
                delay = self._base
            await self._nap(min(delay, self._base))

    async def _nap(self, seconds: float) -> None:
        """Sleep `seconds`, or less when woken."""
        nap = asyncio.ensure_future(self._sleep(seconds))
        woken = asyncio.ensure_future(self._woken.wait())
        try:
            await asyncio.wait({nap, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            nap.cancel()
            woken.cancel()

    async def tick(self) -> float:
        """One pass over what is due; returns the seconds until something is due again."""
        now = self._clock()
        work = await self._sweep.work()
        self.health.begin(had_work=bool(work))
        try:
            await self._store.heartbeat(now)
            self.health.database(None)
        except StoreError as exc:
            self.health.database(str(exc))
        if self._deps.arena.login_gate.closed_for <= 0 and not self._paused():
            # Runs already read as finished whose posting waited on Slack go first.
            if await self._watches.retry_ready(now):
                work = await self._sweep.work()
            await self._sweep.run(work, now)
        self.health.end()
        self.last_poll_at = self._wall()
        return await self._until_next(work, self._clock())

    def _paused(self) -> bool:
        """Is polling paused for the quota? Logged once when a pause starts."""
        paced = self.pace
        if paced.paused and paced.reason != self._pause_said:
            logger.warning("polling %s; resuming at %s", paced.reason, paced.paused_until)
        self._pause_said = paced.reason if paced.paused else None
        return paced.paused

    async def _until_next(self, work: Work, now: float) -> float:
        closed = self._deps.arena.login_gate.closed_for
        paced = self.pace
        if closed > 0:
            wait = closed
        elif paced.paused_until is not None:
            wait = (paced.paused_until - self._wall()).total_seconds()
        else:
            dues = [self._reads.due(g, first_read(*both)) for g, both in work.items()]
            dues += await self._watches.waiting()
            wait = min(dues, default=now + self._base) - now
        return min(max(0.5, wait), self._base)
