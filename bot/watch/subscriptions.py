"""Channel subscriptions: the finished runs of an import's read, posted once in each channel."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.arena.errors import ArenaError, ArenaNotFound
from bot.arena.models import ImportRun
from bot.cards.run import with_mentions
from bot.cards.text import escape, inline
from bot.deps import Deps
from bot.runs.explain import explain
from bot.runs.messages import PUBLIC_BUTTONS, card_for
from bot.runs.posting import CANNOT_POST, slack_error
from bot.watch.channels import ChannelBusy, Channels
from bot.watch.imports import number
from bot.watch.records import SubscriptionFilter
from bot.watch.store import Store, Subscription

logger = logging.getLogger(__name__)

# disabled_reason of a subscription whose import Arena no longer shows (else: Slack's error).
ARENA_GONE = "arena_not_found"
ARENA_FORBIDDEN = "arena_forbidden"


def wanted(run: ImportRun, filter: SubscriptionFilter) -> bool:
    """Does a subscription with this filter announce this finished run?"""
    if filter == "failures":
        return run.failed
    if filter == "warnings":
        return run.failed or run.warnings.total > 0
    return True


class Subscriptions:
    """Posts each subscription's new finished runs; a channel that refuses ends it (its creator
    is told directly), a channel Slack asks to wait holds only that channel."""

    def __init__(self, deps: Deps, *, store: Store, channels: Channels) -> None:
        self._deps = deps
        self._store = store
        self._channels = channels

    async def announce(
        self, subscription: Subscription, newest_first: list[ImportRun], now: float
    ) -> float | None:
        """Post each finished run not yet settled in the channel; move `since` up to the first
        run still going (a run that finishes later than a newer one is still announced).

        Returns when to try again if Slack asked the channel to wait, else None.
        """
        runs = sorted(
            (r for r in newest_first if number(r) > subscription.since_number), key=number
        )
        settled_up_to = subscription.since_number
        blocked = False
        channel = subscription.channel
        for run in runs:
            if not run.is_finished:
                blocked = True
                continue
            # A watched card in this channel is the run's announcement there, and the watch
            # records it: no second card.
            watched = await self._store.pending_watch(channel, run.guid) is not None
            if not watched and not await self._store.was_announced(channel, run.guid):
                post_it = wanted(run, subscription.filter)
                if post_it:
                    try:
                        if not await self._post_run(subscription, run):
                            break
                    except ChannelBusy as busy:
                        await self._store.advance_since(subscription.id, settled_up_to)
                        return busy.until
                await self._store.mark_announced(channel, run.guid, now=now, posted=post_it)
            if not blocked:
                settled_up_to = number(run)
        await self._store.advance_since(subscription.id, settled_up_to)
        return None

    async def end(self, subscription: Subscription, error: ArenaError) -> None:
        """Arena no longer shows the import: say so in the channel, then stop the subscription."""
        guid = subscription.import_guid
        # The name from the cached list (Arena no longer has it), and the people it mentions:
        # the on-call group learns that it will hear nothing more.
        known = self._deps.definitions.cached(guid)
        what = f"*{inline(known.name, 200)}* (`{guid}`)" if known and known.name else f"`{guid}`"
        who = f"{subscription.mentions} " if subscription.mentions else ""
        text = (
            f"{who}{explain(error)} So this channel's subscription to import {what} has ended; "
            f"`/importrun subscribe {guid}` starts it again if the import comes back."
        )
        try:
            await self._channels.post(subscription.channel, text=text)
        except ChannelBusy:
            return  # tried again at the import's next read
        except SlackApiError as exc:
            if slack_error(exc) not in CANNOT_POST:
                logger.warning("subscription %d: Slack said %s", subscription.id, slack_error(exc))
                return
        reason = ARENA_GONE if isinstance(error, ArenaNotFound) else ARENA_FORBIDDEN
        await self._store.disable(subscription.id, reason)
        logger.warning("subscription %d ended: %s", subscription.id, error)

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
            await self._channels.post(subscription.channel, **card.to_dict())
        except SlackApiError as exc:
            error = slack_error(exc)
            if error in CANNOT_POST:
                await self._refused(subscription, error)
            else:
                # Not retried here: the run stays unsettled and the next read tries again.
                logger.warning("announcing run %s failed: %s; will retry", run.guid, error)
            return False
        return True

    async def _refused(self, subscription: Subscription, error: str) -> None:
        logger.warning(
            "subscription %d disabled: Slack refuses channel %s (%s)",
            subscription.id,
            subscription.channel,
            error,
        )
        await self._store.disable(subscription.id, error)
        await self._channels.tell(
            subscription.created_by,
            f"I can no longer post in <#{subscription.channel}> (Slack said `{escape(error)}`), "
            f"so its subscription to import `{subscription.import_guid}` has stopped. Invite me "
            f"with `/invite @importrun` there and run `/importrun subscribe "
            f"{subscription.import_guid}` again.",
        )
