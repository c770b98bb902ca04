"""`Store`: the store's interface and its queries, once for both back ends.

A back end supplies five primitives (`_rows`, `_write`, `_atomic`, `_locked_token`, `close`,
store_base.py); every public method is written on top of them, in SQL that SQLite and PostgreSQL
both speak, with `?` placeholders: the watches' in store_watches.py, the subscriptions' and
announcements' in store_subscriptions.py, the rest here. A new method goes with its table (and
into the tests, which run on both).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.settings import SettingsError
from bot.watch.store_base import Row, Step
from bot.watch.store_subscriptions import SubscriptionQueries
from bot.watch.store_watches import WatchQueries

__all__ = [
    "POLLER_LEASE",
    "SESSION_SELECT",
    "SESSION_UPSERT",
    "DatabaseError",
    "Row",
    "Step",
    "Store",
    "StoreError",
]

POLLER_LEASE = "poller"


class DatabaseError(SettingsError):
    """The database of DATABASE_URL cannot be used, in one sentence."""


class StoreError(Exception):
    """A write the database refused while running (locked, read-only, unreachable)."""


class Store(WatchQueries, SubscriptionQueries):
    """Watches, subscriptions, announcements, the poller's lease and the Arena session; every
    call is async and never blocks the event loop."""

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


SESSION_SELECT = "SELECT token FROM arena_sessions WHERE account = ?"
SESSION_UPSERT = (
    "INSERT INTO arena_sessions (account, token, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (account) DO UPDATE SET token = excluded.token,"
    " updated_at = excluded.updated_at"
)
