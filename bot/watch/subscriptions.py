"""Channel subscriptions: each import's runs list on its own schedule; new finished runs posted."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.client import MAX_PAGE_SIZE
from bot.arena.models import ImportRun
from bot.cards.run import with_mentions
from bot.deps import Deps
from bot.runs.messages import PUBLIC_BUTTONS, card_for
from bot.runs.posting import CANNOT_POST, post, slack_error
from bot.watch.records import SubscriptionFilter
from bot.watch.schedule import next_interval
from bot.watch.store import Store, Subscription

logger = logging.getLogger(__name__)

# Runs read beyond the newest one seen last time: room for those started since.
PAGE = 20


def wanted(run: ImportRun, filter: SubscriptionFilter) -> bool:
    """Does a subscription with this filter announce this finished run?"""
    if filter == "failures":
        return run.failed
    if filter == "warnings":
        return run.failed or run.warnings.total > 0
    return True


@dataclass
class _Schedule:
    """When to read an import's runs again, and what the last read found."""

    due: float
    interval: float
    seen: tuple[int, frozenset[int]] | None = None  # newest number, numbers still unfinished


class Subscriptions:
    """One runs list per subscribed import, newest first and only as far back as needed.

    An import is read POLL_INTERVAL_SECONDS after something changed (a run appeared or
    finished), and each time nothing did, half as long again up to POLL_MAX_INTERVAL_SECONDS:
    a quiet import costs a request every 10 minutes, not every 30 seconds.
    """

    def __init__(
        self, deps: Deps, *, store: Store, slack: AsyncWebClient, base: float, cap: float
    ) -> None:
        self._deps = deps
        self._store = store
        self._slack = slack
        self._base = base
        self._cap = cap
        self._schedules: dict[str, _Schedule] = {}

    def soon(self, import_guid: str, now: float) -> None:
        """A new subscription (its runs were just listed): read them one interval from now."""
        self._schedules[import_guid] = _Schedule(due=now + self._base, interval=self._base)

    def next_due(self) -> float | None:
        """When the next import is due (0: at once), or None without subscriptions."""
        imports = {s.import_guid for s in self._store.subscriptions()}
        dues = [self._schedules[i].due if i in self._schedules else 0.0 for i in imports]
        return min(dues, default=None)

    async def poll(self, now: float, factor: float) -> None:
        """Read the runs of every import that is due; post what finished (ArenaError raised)."""
        by_import: dict[str, list[Subscription]] = defaultdict(list)
        for subscription in self._store.subscriptions():
            by_import[subscription.import_guid].append(subscription)
        for gone in self._schedules.keys() - by_import.keys():
            del self._schedules[gone]
        for import_guid, subscriptions in by_import.items():
            schedule = self._schedules.setdefault(import_guid, _Schedule(0.0, self._base))
            if schedule.due > now:
                continue
            since = min(s.since_number for s in subscriptions)
            runs = await self._unsettled(import_guid, since, schedule)
            self._hurry_watches(runs, now)
            for subscription in subscriptions:
                await self._announce(subscription, runs, now)
            seen = (
                max((_number(r) for r in runs), default=since),
                frozenset(_number(r) for r in runs if not r.is_finished),
            )
            quiet = schedule.seen == seen
            schedule.interval = (
                next_interval(schedule.interval, base=self._base, cap=self._cap)
                if quiet
                else self._base
            )
            schedule.seen = seen
            schedule.due = now + schedule.interval * factor

    def _hurry_watches(self, runs: list[ImportRun], now: float) -> None:
        """A watched run this read shows finished is polled at once, not at its own next poll."""
        finished = {run.guid for run in runs if run.is_finished}
        for watch in self._store.pending_watches():
            if watch.run_guid in finished and watch.next_poll_at > now:
                self._store.reschedule_watch(watch.id, next_poll_at=now, interval=watch.interval)

    async def _unsettled(
        self, import_guid: str, since: int, schedule: _Schedule
    ) -> list[ImportRun]:
        """The runs numbered above `since`, oldest first, in one request as a rule."""
        newest = max(schedule.seen[0] if schedule.seen else since, since)
        limit = min(MAX_PAGE_SIZE, newest - since + PAGE)
        runs = await self._deps.arena.list_runs(import_guid, limit=limit)
        reached = not runs or min(_number(r) for r in runs) <= since + 1
        if len(runs) == limit and limit < MAX_PAGE_SIZE and not reached:
            # More runs started since the last read than the page held: read further back.
            runs = await self._deps.arena.list_runs(import_guid, limit=MAX_PAGE_SIZE)
        return sorted((r for r in runs if _number(r) > since), key=_number)

    async def _announce(
        self, subscription: Subscription, runs: list[ImportRun], now: float
    ) -> None:
        """Post each finished run not yet settled in the channel; move `since` up to the first
        run still going (a run that finishes later than a newer one is still announced)."""
        settled_up_to = subscription.since_number
        blocked = False
        channel = subscription.channel
        for run in runs:
            if _number(run) <= subscription.since_number:
                continue
            if not run.is_finished:
                blocked = True
                continue
            # A watched card in this channel (hurried above) is the run's announcement there,
            # and the watch records it: no second card.
            watched = self._store.pending_watch(channel, run.guid) is not None
            if not watched and not self._store.was_announced(channel, run.guid):
                post_it = wanted(run, subscription.filter)
                if post_it and not await self._post_run(subscription, run):
                    return
                self._store.mark_announced(channel, run.guid, now=now, posted=post_it)
            if not blocked:
                settled_up_to = _number(run)
        self._store.advance_since(subscription.id, settled_up_to)

    async def _post_run(self, subscription: Subscription, run: ImportRun) -> bool:
        """One card in the channel; a channel that refuses the bot disables the subscription.

        The run is recorded as announced right after Slack accepts the card: a crash in
        between posts that one card again after the restart.
        """
        card = await card_for(
            self._deps,
            run,
            import_guid=subscription.import_guid,
            buttons=PUBLIC_BUTTONS,
            note=f"Subscribed import · `/importrun unsubscribe {subscription.import_guid}` to stop",
        )
        card = with_mentions(card, subscription.mentions)
        try:
            await post(self._slack, subscription.channel, **card.to_dict())
        except SlackApiError as exc:
            error = slack_error(exc)
            if error in CANNOT_POST:
                logger.warning(
                    "subscription %d disabled: Slack refuses channel %s (%s)",
                    subscription.id,
                    subscription.channel,
                    error,
                )
                self._store.disable(subscription.id, error)
            else:
                # Not retried here: the run stays unsettled and the next read tries again.
                logger.warning("announcing run %s failed: %s; will retry", run.guid, error)
            return False
        return True


def _number(run: ImportRun) -> int:
    return run.number or 0
