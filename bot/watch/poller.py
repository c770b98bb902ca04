"""The poller: finds finished runs for watches and subscriptions and tells their channels."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.errors import ArenaError, ArenaNotFound, ArenaQuotaExceeded
from bot.arena.models import ImportRun
from bot.cards import Message
from bot.cards.text import escape, mention
from bot.deps import Deps
from bot.runs.messages import PUBLIC_BUTTONS, card_for
from bot.runs.posting import CANNOT_POST, GONE_MESSAGE, post, slack_error
from bot.watch.schedule import Pace, next_interval, pace
from bot.watch.store import Store, Watch
from bot.watch.subscriptions import Subscriptions

logger = logging.getLogger(__name__)


def outcome(run: ImportRun) -> str:
    """How a watched run ended, in one sentence for the thread reply (after the mentions)."""
    went_in = "passed the check (preview: nothing was committed)" if run.is_preview else "went in"
    rows = f"{run.success_count:,} of {run.total_count:,} rows {went_in}"
    status = run.status.upper()
    if status == "ERROR":
        return f"import run #{run.number} failed (ERROR): {rows}, {run.error_count:,} failed."
    if status != "COMPLETE":
        return f"import run #{run.number} ended: {escape(run.status)}."
    if run.error_count:
        return f"import run #{run.number} finished with failed rows: {rows}, " + (
            f"{run.error_count:,} failed."
        )
    return f"import run #{run.number} finished: {rows}."


class Poller:
    """One task in the app's event loop; the clock and sleep are injectable for simulations."""

    def __init__(
        self,
        deps: Deps,
        *,
        store: Store,
        slack: AsyncWebClient,
        clock: Callable[[], float] = time.time,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._deps = deps
        self._store = store
        self._slack = slack
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self._base = deps.settings.poll_interval_seconds
        self._cap = max(self._base, deps.settings.poll_max_interval_seconds)
        self._subscriptions = Subscriptions(
            deps, store=store, slack=slack, base=self._base, cap=self._cap
        )
        self.last_poll_at: datetime | None = None
        self.last_problem: str | None = None
        self.pace = Pace(1.0, None, "normal")
        self._woken = asyncio.Event()

    def now(self) -> float:
        """The poller's clock (epoch seconds): watches are scheduled on it."""
        return self._clock()

    def wake(self, *, subscribed: str | None = None) -> None:
        """Plan again: a watch was just added, or a subscription to the import `subscribed`."""
        if subscribed is not None:
            self._subscriptions.soon(subscribed, self._clock())
        self._woken.set()

    async def _nap(self, seconds: float) -> None:
        """Sleep `seconds`, or less when woken."""
        nap = asyncio.ensure_future(self._sleep(seconds))
        woken = asyncio.ensure_future(self._woken.wait())
        try:
            await asyncio.wait({nap, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            nap.cancel()
            woken.cancel()

    async def run(self) -> None:
        """Poll forever; every failure is logged once and polling goes on."""
        while True:
            self._woken.clear()
            try:
                delay = await self.tick()
            except Exception:
                # The poller must outlive any one bad answer; the next tick tries again.
                logger.exception("poller tick failed")
                delay = self._base
            await self._nap(delay)

    async def tick(self) -> float:
        """Poll what is due; returns the seconds until something is due again."""
        now = self._clock()
        self.pace = pace(
            self._deps.arena.quota,
            reserve=self._deps.settings.arena_quota_reserve,
            now=self._wall(),
        )
        if self.pace.paused_until is not None:
            wait = (self.pace.paused_until - self._wall()).total_seconds()
            logger.info("polling %s; resuming in %.0f s", self.pace.reason, wait)
            return max(1.0, min(wait, self._cap))
        try:
            await self._poll_watches(now)
            await self._subscriptions.poll(now, self.pace.factor)
            self.last_problem = None
        except ArenaError as exc:
            self.last_problem = str(exc)
            if isinstance(exc, ArenaQuotaExceeded):
                logger.warning("Arena quota spent; polling pauses until the reset")
            else:
                logger.warning("polling Arena failed: %s", exc)
            # What failed is still due: without a floor the next tick would come at once.
            self.last_poll_at = self._wall()
            return max(self._until_next(self._clock()), self._base * self.pace.factor)
        self.last_poll_at = self._wall()
        return self._until_next(self._clock())

    def _until_next(self, now: float) -> float:
        dues = [w.next_poll_at for w in self._store.pending_watches()]
        if (subscriptions := self._subscriptions.next_due()) is not None:
            dues.append(subscriptions)
        if not dues:
            return self._base
        return min(max(0.5, min(dues) - now), self._cap)

    async def _poll_watches(self, now: float) -> None:
        by_run: dict[tuple[str, str], list[Watch]] = defaultdict(list)
        for watch in self._store.pending_watches():
            if watch.next_poll_at <= now:
                by_run[(watch.import_guid, watch.run_guid)].append(watch)
        for (import_guid, run_guid), watches in by_run.items():
            try:
                run = await self._deps.arena.get_run(import_guid, run_guid)
            except ArenaNotFound:
                for watch in watches:
                    await self._vanished(watch, now)
                continue
            if not run.is_finished:
                for watch in watches:
                    interval = next_interval(watch.interval, base=self._base, cap=self._cap)
                    delay = interval * self.pace.factor
                    self._store.reschedule_watch(
                        watch.id, next_poll_at=now + delay, interval=interval
                    )
                continue
            for watch in watches:
                await self._finish(watch, run, now)

    async def _finish(self, watch: Watch, run: ImportRun, now: float) -> None:
        """Update the watched card in place, then reply in its thread to notify who asked.

        Each step is recorded after Slack accepts it. If the process dies between a Slack call
        and its record, the step runs again on restart: a second `chat.update` rewrites the same
        card (harmless), a second thread reply is the one duplicate that can happen.
        """
        who = " ".join(mention(user) for user in watch.watchers)
        try:
            if watch.stage < 1:
                card = await card_for(
                    self._deps,
                    run,
                    import_guid=watch.import_guid,
                    buttons=PUBLIC_BUTTONS,
                    note=f"Finished · watched by {who}",
                )
                await self._update_card(watch, card)
                self._store.advance_watch(watch.id, 1)
                # The card is this run's announcement here: a subscription will not post it.
                self._store.mark_announced(watch.channel, run.guid, now=now, posted=True)
            text = f"{who} {outcome(run)}"
            thread = self._store.watch_ts(watch.id) or watch.message_ts
            await post(self._slack, watch.channel, text=text, thread_ts=thread)
        except SlackApiError as exc:
            self._slack_failed(watch, exc, now)
            return
        self._store.advance_watch(watch.id, 2)
        logger.info("watch %d: run %s announced in %s", watch.id, run.guid, watch.channel)

    async def _update_card(self, watch: Watch, card: Message) -> None:
        try:
            await self._slack.chat_update(
                channel=watch.channel, ts=watch.message_ts, **card.to_dict()
            )
        except SlackApiError as exc:
            if slack_error(exc) not in GONE_MESSAGE:
                raise
            # The card was deleted: post a fresh one and reply under that instead.
            ts = await post(self._slack, watch.channel, **card.to_dict())
            self._store.move_watch(watch.id, ts)

    async def _vanished(self, watch: Watch, now: float) -> None:
        who = " ".join(mention(user) for user in watch.watchers)
        text = f"{who} Arena no longer has this import run, so the watch has ended."
        try:
            await post(self._slack, watch.channel, text=text, thread_ts=watch.message_ts)
        except SlackApiError as exc:
            self._slack_failed(watch, exc, now)
            return
        self._store.drop_watch(watch.id)

    def _slack_failed(self, watch: Watch, exc: SlackApiError, now: float) -> None:
        """A channel that refuses the bot ends the watch; anything else waits for the next poll."""
        error = slack_error(exc)
        if error in CANNOT_POST:
            logger.warning(
                "watch %d: Slack refuses channel %s (%s); dropped", watch.id, watch.channel, error
            )
            self._store.drop_watch(watch.id)
            return
        interval = next_interval(watch.interval, base=self._base, cap=self._cap)
        logger.warning(
            "watch %d: Slack said %s; will try again in %.0f s", watch.id, error, interval
        )
        self._store.reschedule_watch(watch.id, next_poll_at=now + interval, interval=interval)
