"""The store's queries of channel subscriptions and of the runs announced in each channel."""

from __future__ import annotations

from collections.abc import Iterable

from bot.watch.records import Subscription, SubscriptionFilter
from bot.watch.store_base import Primitives, Step


class SubscriptionQueries(Primitives):
    """Subscriptions of channels to imports, and which runs each channel has settled."""

    async def subscribe(
        self,
        *,
        channel: str,
        import_guid: str,
        filter: SubscriptionFilter,
        since_number: int,
        settled: Iterable[str],
        user_id: str,
        now: float,
        mentions: Iterable[str] = (),
    ) -> tuple[Subscription, bool]:
        """Subscribe (or change the filter and mentions of) a channel; `settled` runs are never
        announced. Returns the subscription and whether it is new.
        """
        mentioned = " ".join(mentions)
        existing = await self.subscription(channel, import_guid)
        if existing is not None:
            await self._write(
                "UPDATE subscriptions SET filter = ?, mentions = ?, disabled_reason = NULL"
                " WHERE id = ?",
                (filter, mentioned, existing.id),
            )
        else:
            steps: list[Step] = [
                (
                    "INSERT INTO subscriptions (channel, import_guid, filter, since_number,"
                    " created_by, created_at, mentions) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (channel, import_guid) DO NOTHING",
                    (channel, import_guid, filter, since_number, user_id, now, mentioned),
                )
            ]
            steps += [(_ANNOUNCE, (channel, guid, now, 0)) for guid in settled]
            await self._atomic(steps)
        found = await self.subscription(channel, import_guid)
        assert found is not None
        return found, existing is None

    async def unsubscribe(self, channel: str, import_guid: str) -> bool:
        """Remove a channel's subscription; False when there was none."""
        removed = await self._write(
            "DELETE FROM subscriptions WHERE channel = ? AND import_guid = ?",
            (channel, import_guid),
        )
        return removed > 0

    async def subscription(self, channel: str, import_guid: str) -> Subscription | None:
        """One channel's subscription to one import."""
        row = await self._one(
            "SELECT * FROM subscriptions WHERE channel = ? AND import_guid = ?",
            (channel, import_guid),
        )
        return Subscription(**row) if row else None

    async def subscriptions(
        self, channel: str | None = None, *, active: bool = True
    ) -> list[Subscription]:
        """Subscriptions (of one channel, or all); only the enabled ones unless `active=False`."""
        sql, args = "SELECT * FROM subscriptions WHERE 1=1", []
        if channel:
            sql, args = sql + " AND channel = ?", [channel]
        if active:
            sql += " AND disabled_reason IS NULL"
        return [Subscription(**row) for row in await self._rows(sql + " ORDER BY id", args)]

    async def disable(self, subscription_id: int, reason: str) -> None:
        """Stop a subscription whose channel refuses the bot, keeping it listed with the reason."""
        await self._write(
            "UPDATE subscriptions SET disabled_reason = ? WHERE id = ?", (reason, subscription_id)
        )

    async def advance_since(self, subscription_id: int, since_number: int) -> None:
        """Every run up to `since_number` is settled for this subscription."""
        await self._write(
            "UPDATE subscriptions SET since_number = ? WHERE id = ? AND since_number < ?",
            (since_number, subscription_id, since_number),
        )

    # Announcements

    async def was_announced(self, channel: str, run_guid: str) -> bool:
        """True once a run has been announced (or settled) in a channel."""
        row = await self._one(
            "SELECT 1 AS found FROM announced WHERE channel = ? AND run_guid = ?",
            (channel, run_guid),
        )
        return row is not None

    async def mark_announced(
        self, channel: str, run_guid: str, *, now: float, posted: bool
    ) -> None:
        """Record that a run is settled in a channel: posted, or skipped by the filter."""
        await self._write(_ANNOUNCE, (channel, run_guid, now, int(posted)))


_ANNOUNCE = (
    "INSERT INTO announced (channel, run_guid, announced_at, posted) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (channel, run_guid) DO NOTHING"
)
