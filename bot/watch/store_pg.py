"""The PostgreSQL back end: psycopg 3's async connection pool, shared by every replica."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.watch.database_url import redacted
from bot.watch.migrations import MIGRATIONS, VERSION_TABLE, statements
from bot.watch.store_sql import SESSION_SELECT, SESSION_UPSERT, DatabaseError, Row, Step, Store

# Any constant: replicas starting together migrate one after the other.
_MIGRATION_LOCK = 7_262_014
CONNECT_SECONDS = 10.0


def _pg(sql: str) -> str:
    """The shared queries use `?`; psycopg wants `%s`."""
    return sql.replace("?", "%s")


class PostgresStore(Store):
    """A small pool (autocommit); transactions only where the store needs one."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str) -> PostgresStore:
        """Connect (waiting up to CONNECT_SECONDS) and bring the schema up to date."""
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=5,
            open=False,
            kwargs={"autocommit": True, "row_factory": dict_row},
            name="importrun-bot",
        )
        try:
            # One plain connection first: its failure says why (the pool's only says "timeout").
            probe = await psycopg.AsyncConnection.connect(url, connect_timeout=int(CONNECT_SECONDS))
            await probe.close()
            await pool.open(wait=True, timeout=CONNECT_SECONDS)
            store = cls(pool)
            await store._migrate()
        except (PoolTimeout, psycopg.Error) as exc:
            await pool.close()
            raise DatabaseError(_sentence(url, exc)) from None
        return store

    async def _migrate(self) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            await conn.execute(VERSION_TABLE)
            cursor = await conn.execute("SELECT max(version) AS v FROM schema_version")
            row = await cursor.fetchone()
            version = (row or {}).get("v") or 0
            for number, script in enumerate(MIGRATIONS["postgresql"], start=1):
                if number <= version:
                    continue
                for statement in statements(script):
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))

    async def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(_pg(sql), args)
            return list(await cursor.fetchall())

    async def _write(self, sql: str, args: Sequence[Any] = ()) -> int:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(_pg(sql), args)
            return int(cursor.rowcount)

    async def _atomic(self, steps: Iterable[Step]) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            for sql, args in steps:
                await conn.execute(_pg(sql), args)

    async def _locked_token(
        self, account: str, failed: str | None, login: Callable[[], Awaitable[str]]
    ) -> str:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO arena_sessions (account, token, updated_at) VALUES (%s, NULL, 0)"
                " ON CONFLICT (account) DO NOTHING",
                (account,),
            )
            cursor = await conn.execute(_pg(SESSION_SELECT) + " FOR UPDATE", (account,))
            row = await cursor.fetchone()
            stored = row["token"] if row else None
            if stored is not None and stored != failed:
                return str(stored)
            token = await login()
            await conn.execute(_pg(SESSION_UPSERT), (account, token, time.time()))
            return token

    async def close(self) -> None:
        """Close the pool."""
        await self._pool.close()


def _sentence(url: str, exc: BaseException) -> str:
    said = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, PoolTimeout):
        said = f"no connection within {CONNECT_SECONDS:.0f} s"
    return (
        f"DATABASE_URL: PostgreSQL at {redacted(url)} cannot be used ({said}); check that the "
        "server is up, the database exists and the user may create tables in it."
    )
