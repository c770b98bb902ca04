"""The store: watches, subscriptions, announcements and replica coordination, behind one interface.

`Store` (store_sql.py) is the interface and its queries, written once in the SQL both back ends
speak; `DATABASE_URL` picks the back end: `sqlite:///…` (the embedded default, one host,
store_sqlite.py) or `postgresql://…` (shared by several replicas, store_pg.py). The same tests
run on both; the schema is migrated in place at start (migrations.py).
"""

from __future__ import annotations

from bot.watch.database_url import redacted
from bot.watch.records import Subscription, Watch
from bot.watch.store_sql import DatabaseError, Store, StoreError
from bot.watch.store_sqlite import SqliteStore

__all__ = [
    "DatabaseError",
    "Store",
    "StoreError",
    "Subscription",
    "Watch",
    "database_path",
    "open_store",
    "redacted",
]

_SQLITE = "sqlite:///"
_POSTGRES = ("postgresql://", "postgres://")


def database_path(url: str) -> str:
    """The SQLite file of `sqlite:///relative.db`, `sqlite:////abs.db` or `sqlite:///:memory:`."""
    if not url.startswith(_SQLITE):
        raise DatabaseError(
            f"DATABASE_URL must start with {_SQLITE} or postgresql:// (got {redacted(url)!r})."
        )
    return url.removeprefix(_SQLITE) or ":memory:"


async def open_store(url: str) -> Store:
    """Open the database of `url`, migrating its schema; DatabaseError says why it cannot."""
    if url.startswith(_POSTGRES):
        # Imported here: psycopg and its pool cost every SQLite start ~100 ms.
        from bot.watch.store_pg import PostgresStore

        return await PostgresStore.open(url)
    return await SqliteStore.open(database_path(url))
