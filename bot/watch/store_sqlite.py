"""The SQLite back end (WAL): every call in one worker thread, never on the event loop."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.watch.migrations import ADDED_COLUMNS, MIGRATIONS, VERSION_TABLE, statements
from bot.watch.store_sql import SESSION_SELECT, SESSION_UPSERT, DatabaseError, Row, Step, Store

T = TypeVar("T")
BUSY_MS = 5000
# A process renewing the Arena session holds the write lock for one login (ARENA_TIMEOUT_SECONDS).
SESSION_BUSY_MS = 30_000


class SqliteStore(Store):
    """One connection in one thread: a locked file slows the commands that need it, no others."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="sqlite")
        self._db: sqlite3.Connection | None = None
        # Renewing the Arena session holds a transaction across the login: its own connection.
        self._session_worker = ThreadPoolExecutor(1, thread_name_prefix="sqlite-session")
        self._session_db: sqlite3.Connection | None = None
        self._session_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str) -> SqliteStore:
        """Open (creating the file and its folder) and bring the schema up to date."""
        store = cls(path)
        try:
            store._db = await store._in(store._worker, lambda: _connect(path, BUSY_MS))
            await store._in(store._worker, lambda: _migrate(store._conn))
        except (sqlite3.Error, OSError) as exc:
            await store.close()
            raise DatabaseError(_sentence(path, exc)) from None
        return store

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None, "the store is closed"
        return self._db

    async def _in(self, worker: ThreadPoolExecutor, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(worker, call)

    async def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        def query() -> list[Row]:
            return [dict(row) for row in self._conn.execute(sql, args)]

        return await self._in(self._worker, query)

    async def _write(self, sql: str, args: Sequence[Any] = ()) -> int:
        return await self._in(self._worker, lambda: self._conn.execute(sql, args).rowcount)

    async def _atomic(self, steps: Iterable[Step]) -> None:
        todo = list(steps)

        def transaction() -> None:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                for sql, args in todo:
                    self._conn.execute(sql, args)

        await self._in(self._worker, transaction)

    async def _locked_token(
        self, account: str, failed: str | None, login: Callable[[], Awaitable[str]]
    ) -> str:
        async with self._session_lock:
            if self._path == ":memory:":  # one process only: the asyncio lock is enough
                stored = await self.arena_token(account)
                if stored is not None and stored != failed:
                    return stored
                token = await login()
                await self._write(SESSION_UPSERT, (account, token, time.time()))
                return token
            return await self._file_locked_token(account, failed, login)

    async def _file_locked_token(
        self, account: str, failed: str | None, login: Callable[[], Awaitable[str]]
    ) -> str:
        worker = self._session_worker
        if self._session_db is None:
            self._session_db = await self._in(worker, lambda: _connect(self._path, SESSION_BUSY_MS))
        db = self._session_db

        def begin() -> str | None:
            db.execute("BEGIN IMMEDIATE")  # the write lock: one renewal at a time
            row = db.execute(SESSION_SELECT, (account,)).fetchone()
            return str(row[0]) if row and row[0] else None

        stored = await self._in(worker, begin)
        try:
            if stored is not None and stored != failed:
                return stored
            token = await login()
            await self._in(
                worker, lambda: db.execute(SESSION_UPSERT, (account, token, time.time()))
            )
            await self._in(worker, lambda: db.execute("COMMIT"))
            return token
        finally:
            if db.in_transaction:
                await self._in(worker, lambda: db.execute("ROLLBACK"))

    async def close(self) -> None:
        """Close both connections and their threads."""
        for worker, db in ((self._worker, self._db), (self._session_worker, self._session_db)):
            if db is not None:
                await self._in(worker, db.close)
            worker.shutdown(wait=False)
        self._db = self._session_db = None


def _connect(path: str, busy_ms: int) -> sqlite3.Connection:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout={busy_ms}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def cannot_create(path: str) -> str | None:
    """Why `open` could not create the SQLite file `path` (None: it could), found by writing a
    temporary file in its nearest existing folder; nothing is left behind."""
    if Path(path).is_dir():  # a volume's mount point, say: SQLite cannot open a folder
        return _sentence(path, IsADirectoryError(errno.EISDIR, "Is a directory", path))
    wanted = folder = Path(path).absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return _sentence(path, NotADirectoryError(errno.ENOTDIR, "Not a directory", str(folder)))
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        # Said of the file's folder, as `open` would say it, not of the temporary file.
        return _sentence(path, OSError(exc.errno, exc.strerror, str(wanted)))
    return None


def _migrate(db: sqlite3.Connection) -> None:
    """Apply the versions this database lacks, in one write transaction."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute(VERSION_TABLE)
        row = db.execute("SELECT max(version) FROM schema_version").fetchone()
        version = row[0] or 0
        for number, script in enumerate(MIGRATIONS["sqlite"], start=1):
            if number <= version:
                continue
            for statement in statements(script):
                db.execute(statement)
            if number == 1:
                for (table, column), kind in ADDED_COLUMNS.items():
                    columns = {info[1] for info in db.execute(f"PRAGMA table_info({table})")}
                    if column not in columns:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
        # One real write, so that a read-only file is found now rather than at the first watch.
        db.execute("UPDATE schema_version SET version = version")


def _sentence(path: str, exc: BaseException) -> str:
    """Why the file cannot be used, and what to do."""
    said = str(exc) or type(exc).__name__
    exists = path != ":memory:" and Path(path).is_file()
    if "readonly" in said or isinstance(exc, PermissionError) or exists:
        return (
            f"DATABASE_URL: the SQLite file {path} cannot be written ({said}); give the bot "
            "write access to the file and its folder."
        )
    return (
        f"DATABASE_URL: the SQLite file {path} cannot be opened ({said}); check that its "
        "folder exists or can be created and that the bot may write there."
    )
