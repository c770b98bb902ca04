"""The store's queries of watches (a run watched in a channel until it is announced)."""

from __future__ import annotations

from bot.watch.records import Watch
from bot.watch.store_base import Primitives

# Watches with their run's number, kept beside them (migrations.py, version 3).
_WATCHES = (
    "SELECT watches.*, run_numbers.run_number FROM watches"
    " LEFT JOIN run_numbers ON run_numbers.run_guid = watches.run_guid"
)


class WatchQueries(Primitives):
    """Watches: added, rescheduled, advanced through their stages, moved and dropped."""

    async def add_watch(
        self,
        *,
        channel: str,
        import_guid: str,
        run_guid: str,
        message_ts: str,
        user_id: str,
        now: float,
        interval: float,
        run_number: int | None = None,
    ) -> Watch:
        """Remember a watch (replacing an announced watch of the same run in the channel)."""
        if run_number is not None:
            await self._write(
                "INSERT INTO run_numbers (run_guid, run_number) VALUES (?, ?)"
                " ON CONFLICT (run_guid) DO UPDATE SET run_number=excluded.run_number",
                (run_guid, run_number),
            )
        await self._write(
            "INSERT INTO watches (channel, import_guid, run_guid, message_ts, user_id, created_at,"
            " next_poll_at, interval) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, import_guid, run_guid) DO UPDATE SET"
            " message_ts=excluded.message_ts, user_id=excluded.user_id, others='',"
            " next_poll_at=excluded.next_poll_at, interval=excluded.interval, stage=0",
            (channel, import_guid, run_guid, message_ts, user_id, now, now + interval, interval),
        )
        row = await self._one(
            _WATCHES
            + " WHERE watches.channel = ? AND watches.import_guid = ? AND watches.run_guid = ?",
            (channel, import_guid, run_guid),
        )
        assert row is not None
        return Watch.of_row(row)

    async def pending_watches(self, channel: str | None = None) -> list[Watch]:
        """Watches whose run has not been announced yet (of one channel, or all)."""
        sql = _WATCHES + " WHERE watches.stage < 2"
        rows = (
            await self._rows(sql + " AND watches.channel = ? ORDER BY watches.id", (channel,))
            if channel
            else await self._rows(sql + " ORDER BY watches.id")
        )
        return [Watch.of_row(row) for row in rows]

    async def pending_watch(self, channel: str, run_guid: str) -> Watch | None:
        """The channel's watch of a run, while it is not yet announced."""
        row = await self._one(
            _WATCHES + " WHERE watches.channel = ? AND watches.run_guid = ? AND watches.stage < 2",
            (channel, run_guid),
        )
        return Watch.of_row(row) if row else None

    async def add_watcher(self, watch_id: int, user_id: str) -> None:
        """Someone else asked to watch the same run in the channel: mention them too."""
        row = await self._one(_WATCHES + " WHERE watches.id = ?", (watch_id,))
        if row is None or user_id in Watch.of_row(row).watchers:
            return
        await self._write(
            "UPDATE watches SET others = trim(others || ' ' || ?) WHERE id = ?", (user_id, watch_id)
        )

    async def reschedule_watch(
        self, watch_id: int, *, next_poll_at: float, interval: float
    ) -> None:
        """When to look at this watch's run again."""
        await self._write(
            "UPDATE watches SET next_poll_at = ?, interval = ? WHERE id = ?",
            (next_poll_at, interval, watch_id),
        )

    async def advance_watch(self, watch_id: int, stage: int) -> None:
        """Record that the card was updated (1) and the thread reply sent (2)."""
        await self._write(
            "UPDATE watches SET stage = ? WHERE id = ? AND stage < ?", (stage, watch_id, stage)
        )

    async def move_watch(self, watch_id: int, message_ts: str) -> None:
        """The watched card was posted anew at `message_ts`."""
        await self._write("UPDATE watches SET message_ts = ? WHERE id = ?", (message_ts, watch_id))

    async def watch_ts(self, watch_id: int) -> str | None:
        """The current message of a watch."""
        row = await self._one("SELECT message_ts FROM watches WHERE id = ?", (watch_id,))
        return str(row["message_ts"]) if row else None

    async def drop_watch(self, watch_id: int) -> None:
        """Forget a watch that can never be announced (its channel refuses the bot)."""
        await self._write("DELETE FROM watches WHERE id = ?", (watch_id,))
