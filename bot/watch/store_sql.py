"""`Store`: the store's interface and its queries, once for both back ends.

A back end supplies five primitives (`_rows`, `_write`, `_atomic`, `_locked_token`, `close`);
every public method is written here on top of them, in SQL that SQLite and PostgreSQL both
speak, with `?` placeholders. A new method is added here (and to the tests, which run on both).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from bot.settings import SettingsError
from bot.watch.records import Subscription, SubscriptionFilter, Watch

Row = dict[str, Any]
Step = tuple[str, Sequence[Any]]
POLLER_LEASE = "poller"


class DatabaseError(SettingsError):
    """The database of DATABASE_URL cannot be used, in one sentence."""


class StoreError(Exception):
    """A write the database refused while running (locked, read-only, unreachable)."""


class Store(ABC):
    """Watches, subscriptions, announcements, the poller's lease and the Arena session; every
    call is async and never blocks the event loop."""

    # The back end's primitives

    @abstractmethod
    async def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """The rows a query returns, as dicts."""

    @abstractmethod
    async def _write(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run one statement; how many rows it changed."""

    @abstractmethod
    async def _atomic(self, steps: Iterable[Step]) -> None:
        """Run the statements in one transaction."""

    @abstractmethod
    async def _locked_token(
        self, account: str, failed: str | None, login: Callable[[], Awaitable[str]]
    ) -> str:
        """Under a lock across processes: the stored token, or `login()`'s if it was `failed`."""

    @abstractmethod
    async def close(self) -> None:
        """Close the database."""

    async def _one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        rows = await self._rows(sql, args)
        return rows[0] if rows else None

    async def heartbeat(self, now: float) -> None:
        """Write one row: StoreError when the database cannot be written (for `/healthz`)."""
        try:
            await self._write(
                "INSERT INTO heartbeat (id, at) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                (now,),
            )
        except Exception as exc:  # each back end has its own errors; /healthz wants a sentence
            raise StoreError(str(exc) or type(exc).__name__) from exc

    async def last_heartbeat(self) -> float | None:
        """When the polling replica last wrote its heartbeat (poller clock), if ever."""
        row = await self._one("SELECT at FROM heartbeat WHERE id = 1")
        return float(row["at"]) if row is not None else None

    # Watches

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
    ) -> Watch:
        """Remember a watch (replacing an announced watch of the same run in the channel)."""
        await self._write(
            "INSERT INTO watches (channel, import_guid, run_guid, message_ts, user_id, created_at,"
            " next_poll_at, interval) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, import_guid, run_guid) DO UPDATE SET"
            " message_ts=excluded.message_ts, user_id=excluded.user_id, others='',"
            " next_poll_at=excluded.next_poll_at, interval=excluded.interval, stage=0",
            (channel, import_guid, run_guid, message_ts, user_id, now, now + interval, interval),
        )
        row = await self._one(
            "SELECT * FROM watches WHERE channel = ? AND import_guid = ? AND run_guid = ?",
            (channel, import_guid, run_guid),
        )
        assert row is not None
        return Watch(**row)

    async def pending_watches(self, channel: str | None = None) -> list[Watch]:
        """Watches whose run has not been announced yet (of one channel, or all)."""
        sql = "SELECT * FROM watches WHERE stage < 2"
        rows = (
            await self._rows(sql + " AND channel = ? ORDER BY id", (channel,))
            if channel
            else await self._rows(sql + " ORDER BY id")
        )
        return [Watch(**row) for row in rows]

    async def pending_watch(self, channel: str, run_guid: str) -> Watch | None:
        """The channel's watch of a run, while it is not yet announced."""
        row = await self._one(
            "SELECT * FROM watches WHERE channel = ? AND run_guid = ? AND stage < 2",
            (channel, run_guid),
        )
        return Watch(**row) if row else None

    async def add_watcher(self, watch_id: int, user_id: str) -> None:
        """Someone else asked to watch the same run in the channel: mention them too."""
        row = await self._one("SELECT * FROM watches WHERE id = ?", (watch_id,))
        if row is None or user_id in Watch(**row).watchers:
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

    # Subscriptions

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

    # Coordination between replicas

    async def claim_lease(self, holder: str, *, now: float, seconds: float) -> bool:
        """Take the poller's lease if it is free or expired, or renew it; True when held."""
        changed = await self._write(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
            (POLLER_LEASE, holder, now + seconds, now),
        )
        return changed > 0

    async def holds_lease(self, holder: str, *, now: float) -> bool:
        """Is the poller's lease still `holder`'s (the fence before an announcement)?"""
        row = await self._one(
            "SELECT 1 AS held FROM leases WHERE name = ? AND holder = ? AND expires_at > ?",
            (POLLER_LEASE, holder, now),
        )
        return row is not None

    async def release_lease(self, holder: str) -> None:
        """Give the lease up (a clean stop): another replica takes over at once."""
        await self._write(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (POLLER_LEASE, holder)
        )

    async def arena_token(self, account: str) -> str | None:
        """The Arena session token stored for `account`, if any."""
        row = await self._one(SESSION_SELECT, (account,))
        return str(row["token"]) if row and row["token"] else None

    async def replace_arena_token(
        self, account: str, failed: str | None, login: Callable[[], Awaitable[str]]
    ) -> str:
        """The token to use after `failed` was refused: another process's newer one if it has
        stored one meanwhile, else `login()`'s (one login at a time across processes)."""
        return await self._locked_token(account, failed, login)


_ANNOUNCE = (
    "INSERT INTO announced (channel, run_guid, announced_at, posted) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (channel, run_guid) DO NOTHING"
)
SESSION_SELECT = "SELECT token FROM arena_sessions WHERE account = ?"
SESSION_UPSERT = (
    "INSERT INTO arena_sessions (account, token, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (account) DO UPDATE SET token = excluded.token,"
    " updated_at = excluded.updated_at"
)
