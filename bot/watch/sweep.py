"""One pass over the imports that are due: one read of each serves its watches and subscriptions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.arena.errors import (
    ArenaAuthError,
    ArenaError,
    ArenaQuotaExceeded,
)
from bot.arena.gates import single_attempt
from bot.watch.backoff import Backoff
from bot.watch.imports import ImportReads, first_read
from bot.watch.lease import LeaseLost
from bot.watch.store import Store, StoreError, Subscription, Watch
from bot.watch.subscriptions import Subscriptions
from bot.watch.watches import ENDS_A_WATCH, Watches

logger = logging.getLogger(__name__)

Work = dict[str, tuple[list[Watch], list[Subscription]]]


class Sweep:
    """The poller's passes over its imports; `paused` says (and logs once) whether the quota
    pauses polling, `factor` how much the quota stretches the intervals."""

    def __init__(
        self,
        *,
        store: Store,
        reads: ImportReads,
        backoff: Backoff,
        watches: Watches,
        subscriptions: Subscriptions,
        paused: Callable[[], bool],
        factor: Callable[[], float],
    ) -> None:
        self._store = store
        self._reads = reads
        self._backoff = backoff
        self._watches = watches
        self._subscriptions = subscriptions
        self._paused = paused
        self._factor = factor

    async def work(self) -> Work:
        """Each import with its pending watches and active subscriptions."""
        work: Work = {}
        for watch in await self._store.pending_watches():
            work.setdefault(watch.import_guid, ([], []))[0].append(watch)
        for subscription in await self._store.subscriptions():
            work.setdefault(subscription.import_guid, ([], []))[1].append(subscription)
        for gone in self._reads.keep_only(work):
            self._backoff.forget(f"import {gone}")
        return work

    async def run(self, work: Work, now: float) -> None:
        """Poll each import that is due; one failing waits on its own backoff."""
        for import_guid, (watches, subscriptions) in work.items():
            if self._reads.due(import_guid, first_read(watches, subscriptions)) > now:
                continue
            item = f"import {import_guid}"
            try:
                with single_attempt():
                    await self._poll_import(import_guid, watches, subscriptions, now)
            except ArenaAuthError:
                return
            except ArenaQuotaExceeded:
                self._paused()
                return
            except LeaseLost:
                raise
            except Exception as exc:
                failure = self._backoff.failed(item, str(exc) or type(exc).__name__, now)
                if failure.count == 1 and not isinstance(exc, ArenaError | StoreError):
                    logger.error("%s: unexpected failure", item, exc_info=exc)
                self._reads.wait(import_guid, failure.next_at)
            else:
                self._backoff.succeeded(item)

    async def _poll_import(
        self,
        import_guid: str,
        watches: list[Watch],
        subscriptions: list[Subscription],
        now: float,
    ) -> None:
        """One read of the import's runs serves its watches and its subscriptions."""
        since = min((s.since_number for s in subscriptions), default=None)
        watched = {w.run_guid for w in watches}
        try:
            runs = await self._reads.read(import_guid, since=since, watched=watched)
        except ENDS_A_WATCH as exc:
            # Arena no longer knows or allows the import: everything on it ends, with a note.
            for watch in watches:
                await self._watches.end(watch, exc, now)
            for subscription in subscriptions:
                await self._subscriptions.end(subscription, exc)
            raise
        listed = {run.guid: run for run in runs}
        await self._watches.poll(import_guid, watches, listed, now)
        retry_at = []
        for subscription in subscriptions:
            if (at := await self._subscriptions.announce(subscription, runs, now)) is not None:
                retry_at.append(at)
        factor = self._factor()
        self._reads.settle(import_guid, runs, now, watching=bool(watches), factor=factor)
        if retry_at:
            self._reads.wait(import_guid, min(self._reads.due(import_guid, now), *retry_at))
