"""Watched runs: found finished in their import's read, announced on their card and thread."""

from __future__ import annotations

import logging
from collections import defaultdict

from slack_sdk.errors import SlackApiError

from bot.arena.errors import (
    ArenaAuthError,
    ArenaError,
    ArenaNotFound,
    ArenaPermissionError,
    ArenaQuotaExceeded,
)
from bot.arena.models import ImportRun
from bot.cards.text import escape, mention
from bot.deps import Deps
from bot.runs.explain import explain
from bot.runs.messages import PUBLIC_BUTTONS, card_for
from bot.runs.posting import CANNOT_POST, GONE_MESSAGE, slack_error
from bot.watch.backoff import Backoff
from bot.watch.channels import ChannelBusy, Channels
from bot.watch.imports import ImportReads, shows_whole_card
from bot.watch.schedule import next_interval
from bot.watch.store import Store, Watch

logger = logging.getLogger(__name__)

# Arena answers that mean the run (or its import) will never be readable again.
ENDS_A_WATCH = (ArenaNotFound, ArenaPermissionError)


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


def who(watch: Watch) -> str:
    """The mentions of everyone watching."""
    return " ".join(mention(user) for user in watch.watchers)


class Watches:
    """Each watched run is its own unit of work: its errors wait on its own backoff."""

    def __init__(
        self,
        deps: Deps,
        *,
        store: Store,
        channels: Channels,
        backoff: Backoff,
        reads: ImportReads,
        base: float,
        cap: float,
    ) -> None:
        self._deps = deps
        self._store = store
        self._channels = channels
        self._backoff = backoff
        self._reads = reads
        self._base = base
        self._cap = cap
        self._ready: dict[int, ImportRun] = {}  # finished runs whose announcement waits on Slack

    async def waiting(self) -> list[float]:
        """When the announcements held up by Slack may be tried again."""
        if not self._ready:
            return []
        return [
            max(self._channels.open_at(w.channel), self._backoff.waiting_until(_item(w)) or 0.0)
            for w in await self._store.pending_watches()
            if w.id in self._ready
        ]

    async def retry_ready(self, now: float) -> bool:
        """Announce runs already read as finished whose channel or backoff now allows it;
        True when it tried any (the pending watches may have changed)."""
        if not self._ready:
            return False
        tried = False
        for watch in await self._store.pending_watches():
            run = self._ready.get(watch.id)
            if run is not None and self._may_post(watch, now):
                await self.finish(watch, run, now)
                tried = True
        return tried

    async def poll(
        self, import_guid: str, watches: list[Watch], listed: dict[str, ImportRun], now: float
    ) -> None:
        """Announce the watched runs of one import that the read shows finished; a run the
        list cannot show gets its own GET (at its own growing delay)."""
        by_run: dict[str, list[Watch]] = defaultdict(list)
        for watch in watches:
            if watch.id not in self._ready:
                by_run[watch.run_guid].append(watch)
        for run_guid, group in by_run.items():
            item = f"run {run_guid} of import {import_guid}"
            entry = listed.get(run_guid)
            if entry is not None and not entry.is_finished:
                continue
            if entry is None and min(w.next_poll_at for w in group) > now:
                continue
            run = entry if entry is not None and shows_whole_card(entry) else None
            if run is None:
                if not self._backoff.ready(item, now):
                    continue
                run = await self._get(import_guid, run_guid, group, item, now)
                if run is None:
                    continue
            if not run.is_finished:
                for watch in group:
                    interval = next_interval(watch.interval, base=self._base, cap=self._cap)
                    await self._store.reschedule_watch(
                        watch.id, next_poll_at=now + interval, interval=interval
                    )
                continue
            for watch in group:
                self._ready[watch.id] = run
                if self._may_post(watch, now):
                    await self.finish(watch, run, now)

    async def _get(
        self, import_guid: str, run_guid: str, group: list[Watch], item: str, now: float
    ) -> ImportRun | None:
        """The run's own fresh GET; a failure waits on this run's backoff alone."""
        try:
            run = await self._deps.arena.get_run(import_guid, run_guid, fresh=True)
        except (ArenaQuotaExceeded, ArenaAuthError):
            raise
        except ENDS_A_WATCH as exc:
            for watch in group:
                await self.end(watch, exc, now)
            return None
        except ArenaError as exc:
            self._backoff.failed(item, str(exc), now)
            return None
        self._backoff.forget(item)
        self._reads.learn(run)
        return run

    async def end(self, watch: Watch, error: ArenaError, now: float) -> None:
        """Arena will never show this run again: say so under the card, then forget the watch."""
        if isinstance(error, ArenaNotFound):
            why = "Arena no longer has this import run (or its import)"
        else:
            why = explain(error).rstrip(".")
        text = f"{who(watch)} {why}, so the watch has ended."
        try:
            await self._channels.post(watch.channel, text=text, thread_ts=watch.message_ts)
        except ChannelBusy:
            return  # tried again at the import's next read
        except SlackApiError as exc:
            await self._slack_failed(watch, exc, now)
            return
        await self._drop(watch)

    async def finish(self, watch: Watch, run: ImportRun, now: float) -> None:
        """Update the watched card in place, then reply in its thread to notify who asked.

        Each step is recorded after Slack accepts it. If the process dies between a Slack call
        and its record, the step runs again on restart: a second `chat.update` rewrites the same
        card (harmless), a second thread reply is the one duplicate that can happen.
        """
        try:
            if watch.stage < 1:
                card = await card_for(
                    self._deps,
                    run,
                    import_guid=watch.import_guid,
                    buttons=PUBLIC_BUTTONS,
                    note=f"Finished · watched by {who(watch)}",
                )
                await self._update_card(watch, card.to_dict())
                await self._store.advance_watch(watch.id, 1)
                # The card is this run's announcement here: a subscription will not post it.
                await self._store.mark_announced(watch.channel, run.guid, now=now, posted=True)
            thread = await self._store.watch_ts(watch.id) or watch.message_ts
            text = f"{who(watch)} {outcome(run)}"
            await self._channels.post(watch.channel, text=text, thread_ts=thread)
        except ChannelBusy:
            return
        except SlackApiError as exc:
            await self._slack_failed(watch, exc, now)
            return
        except ArenaError as exc:  # the change order's link for the card
            self._backoff.failed(_item(watch), str(exc), now)
            return
        await self._store.advance_watch(watch.id, 2)
        self._ready.pop(watch.id, None)
        self._backoff.forget(_item(watch))
        logger.info("watch %d: run %s announced in %s", watch.id, run.guid, watch.channel)

    async def _update_card(self, watch: Watch, card: dict[str, object]) -> None:
        try:
            await self._channels.update(watch.channel, watch.message_ts, **card)
        except SlackApiError as exc:
            if slack_error(exc) not in GONE_MESSAGE:
                raise
            # The card was deleted: post a fresh one and reply under that instead.
            ts = await self._channels.post(watch.channel, **card)
            await self._store.move_watch(watch.id, ts)

    def _may_post(self, watch: Watch, now: float) -> bool:
        return self._channels.open_at(watch.channel) <= now and self._backoff.ready(
            _item(watch), now
        )

    async def _slack_failed(self, watch: Watch, exc: SlackApiError, now: float) -> None:
        """A channel that refuses the bot ends the watch (its asker is told directly); any
        other Slack error waits on this watch's backoff."""
        error = slack_error(exc)
        if error not in CANNOT_POST:
            self._backoff.failed(_item(watch), f"Slack said {error}", now)
            return
        logger.warning(
            "watch %d: Slack refuses channel %s (%s); dropped", watch.id, watch.channel, error
        )
        await self._drop(watch)
        await self._channels.tell(
            watch.user_id,
            f"I can no longer post in <#{watch.channel}> (Slack said `{escape(error)}`), so your "
            f"watch of run `{watch.run_guid}` there has ended. Invite me with "
            "`/invite @importrun` and watch it again.",
        )

    async def _drop(self, watch: Watch) -> None:
        await self._store.drop_watch(watch.id)
        self._ready.pop(watch.id, None)
        self._backoff.forget(_item(watch))


def _item(watch: Watch) -> str:
    return f"watch {watch.id} in {watch.channel}"
