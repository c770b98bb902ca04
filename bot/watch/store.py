"""Watches and subscriptions in SQLite (WAL): nothing asked for is lost on a restart."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from bot.watch.records import Subscription, SubscriptionFilter, Watch

__all__ = ["Store", "Subscription", "Watch", "database_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    import_guid TEXT NOT NULL,
    run_guid TEXT NOT NULL,
    message_ts TEXT NOT NULL,
    user_id TEXT NOT NULL,              -- who asked (whose card it is)
    others TEXT NOT NULL DEFAULT '',    -- who else asked to watch it here (space-separated)
    created_at REAL NOT NULL,
    next_poll_at REAL NOT NULL,
    interval REAL NOT NULL,
    stage INTEGER NOT NULL DEFAULT 0,   -- 0 pending, 1 card updated, 2 thread reply sent
    UNIQUE (channel, import_guid, run_guid)
);
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    import_guid TEXT NOT NULL,
    filter TEXT NOT NULL,
    since_number INTEGER NOT NULL,      -- every run up to this number is settled
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    disabled_reason TEXT,
    mentions TEXT NOT NULL DEFAULT '',  -- whom its announcements mention (space-separated)
    UNIQUE (channel, import_guid)
);
CREATE TABLE IF NOT EXISTS announced (
    channel TEXT NOT NULL,
    run_guid TEXT NOT NULL,
    announced_at REAL NOT NULL,
    posted INTEGER NOT NULL,            -- 0: settled without a post (old or filtered out)
    PRIMARY KEY (channel, run_guid)
);
CREATE TABLE IF NOT EXISTS heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at REAL NOT NULL                    -- when the poller last wrote (the health check)
);
"""


def database_path(url: str) -> str:
    """The SQLite file of `sqlite:///relative.db`, `sqlite:////abs.db` or `sqlite:///:memory:`."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise ValueError(
            f"DATABASE_URL must start with {prefix} (got {url!r}); only SQLite is built in."
        )
    return url.removeprefix(prefix) or ":memory:"


class Store:
    """Small synchronous SQLite calls (well under a millisecond each) on the event loop."""

    def __init__(self, url: str) -> None:
        path = database_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(watches)")}
        if "others" not in columns:  # a database from before several people could watch a run
            self._db.execute("ALTER TABLE watches ADD COLUMN others TEXT NOT NULL DEFAULT ''")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(subscriptions)")}
        if "mentions" not in columns:  # a database from before subscriptions could mention
            self._db.execute(
                "ALTER TABLE subscriptions ADD COLUMN mentions TEXT NOT NULL DEFAULT ''"
            )

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def heartbeat(self, now: float) -> None:
        """Write one row: raises when the database cannot be written (for `/healthz`)."""
        self._db.execute(
            "INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = ?",
            (now, now),
        )

    # Watches

    def add_watch(
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
        self._db.execute(
            "INSERT INTO watches (channel, import_guid, run_guid, message_ts, user_id, created_at,"
            " next_poll_at, interval) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, import_guid, run_guid) DO UPDATE SET"
            " message_ts=excluded.message_ts, user_id=excluded.user_id, others='',"
            " next_poll_at=excluded.next_poll_at, interval=excluded.interval, stage=0",
            (channel, import_guid, run_guid, message_ts, user_id, now, now + interval, interval),
        )
        watch = self._one_watch(channel, import_guid, run_guid)
        assert watch is not None
        return watch

    def pending_watches(self, channel: str | None = None) -> list[Watch]:
        """Watches whose run has not been announced yet (of one channel, or all)."""
        sql = "SELECT * FROM watches WHERE stage < 2"
        rows = (
            self._db.execute(sql + " AND channel = ?", (channel,))
            if channel
            else self._db.execute(sql)
        )
        return [_watch(row) for row in rows]

    def pending_watch(self, channel: str, run_guid: str) -> Watch | None:
        """The channel's watch of a run, while it is not yet announced."""
        row = self._db.execute(
            "SELECT * FROM watches WHERE channel = ? AND run_guid = ? AND stage < 2",
            (channel, run_guid),
        ).fetchone()
        return _watch(row) if row else None

    def add_watcher(self, watch_id: int, user_id: str) -> None:
        """Someone else asked to watch the same run in the channel: mention them too."""
        watch = self._db.execute("SELECT * FROM watches WHERE id = ?", (watch_id,)).fetchone()
        if watch is None or user_id in _watch(watch).watchers:
            return
        self._db.execute(
            "UPDATE watches SET others = trim(others || ' ' || ?) WHERE id = ?", (user_id, watch_id)
        )

    def reschedule_watch(self, watch_id: int, *, next_poll_at: float, interval: float) -> None:
        """When to look at this watch's run again."""
        self._db.execute(
            "UPDATE watches SET next_poll_at = ?, interval = ? WHERE id = ?",
            (next_poll_at, interval, watch_id),
        )

    def advance_watch(self, watch_id: int, stage: int) -> None:
        """Record that the card was updated (1) and the thread reply sent (2)."""
        self._db.execute("UPDATE watches SET stage = MAX(stage, ?) WHERE id = ?", (stage, watch_id))

    def move_watch(self, watch_id: int, message_ts: str) -> None:
        """The watched card was posted anew at `message_ts`."""
        self._db.execute("UPDATE watches SET message_ts = ? WHERE id = ?", (message_ts, watch_id))

    def watch_ts(self, watch_id: int) -> str | None:
        """The current message of a watch."""
        row = self._db.execute(
            "SELECT message_ts FROM watches WHERE id = ?", (watch_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def drop_watch(self, watch_id: int) -> None:
        """Forget a watch that can never be announced (its channel refuses the bot)."""
        self._db.execute("DELETE FROM watches WHERE id = ?", (watch_id,))

    def _one_watch(self, channel: str, import_guid: str, run_guid: str) -> Watch | None:
        row = self._db.execute(
            "SELECT * FROM watches WHERE channel = ? AND import_guid = ? AND run_guid = ?",
            (channel, import_guid, run_guid),
        ).fetchone()
        return _watch(row) if row else None

    # Subscriptions

    def subscribe(
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
        existing = self.subscription(channel, import_guid)
        if existing is not None:
            self._db.execute(
                "UPDATE subscriptions SET filter = ?, mentions = ?, disabled_reason = NULL"
                " WHERE id = ?",
                (filter, mentioned, existing.id),
            )
        else:
            with self._db:
                self._db.execute("BEGIN")
                self._db.execute(
                    "INSERT INTO subscriptions (channel, import_guid, filter, since_number,"
                    " created_by, created_at, mentions) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (channel, import_guid, filter, since_number, user_id, now, mentioned),
                )
                self._db.executemany(
                    "INSERT OR IGNORE INTO announced VALUES (?, ?, ?, 0)",
                    [(channel, guid, now) for guid in settled],
                )
        found = self.subscription(channel, import_guid)
        assert found is not None
        return found, existing is None

    def unsubscribe(self, channel: str, import_guid: str) -> bool:
        """Remove a channel's subscription; False when there was none."""
        cursor = self._db.execute(
            "DELETE FROM subscriptions WHERE channel = ? AND import_guid = ?",
            (channel, import_guid),
        )
        return cursor.rowcount > 0

    def subscription(self, channel: str, import_guid: str) -> Subscription | None:
        """One channel's subscription to one import."""
        row = self._db.execute(
            "SELECT * FROM subscriptions WHERE channel = ? AND import_guid = ?",
            (channel, import_guid),
        ).fetchone()
        return _subscription(row) if row else None

    def subscriptions(
        self, channel: str | None = None, *, active: bool = True
    ) -> list[Subscription]:
        """Subscriptions (of one channel, or all); only the enabled ones unless `active=False`."""
        sql, args = "SELECT * FROM subscriptions WHERE 1=1", []
        if channel:
            sql, args = sql + " AND channel = ?", [channel]
        if active:
            sql += " AND disabled_reason IS NULL"
        return [_subscription(row) for row in self._db.execute(sql + " ORDER BY id", args)]

    def disable(self, subscription_id: int, reason: str) -> None:
        """Stop a subscription whose channel refuses the bot, keeping it listed with the reason."""
        self._db.execute(
            "UPDATE subscriptions SET disabled_reason = ? WHERE id = ?", (reason, subscription_id)
        )

    def advance_since(self, subscription_id: int, since_number: int) -> None:
        """Every run up to `since_number` is settled for this subscription."""
        self._db.execute(
            "UPDATE subscriptions SET since_number = MAX(since_number, ?) WHERE id = ?",
            (since_number, subscription_id),
        )

    # Announcements

    def was_announced(self, channel: str, run_guid: str) -> bool:
        """True once a run has been announced (or settled) in a channel."""
        row = self._db.execute(
            "SELECT 1 FROM announced WHERE channel = ? AND run_guid = ?", (channel, run_guid)
        ).fetchone()
        return row is not None

    def mark_announced(self, channel: str, run_guid: str, *, now: float, posted: bool) -> None:
        """Record that a run is settled in a channel: posted, or skipped by the filter."""
        self._db.execute(
            "INSERT OR IGNORE INTO announced VALUES (?, ?, ?, ?)",
            (channel, run_guid, now, int(posted)),
        )


def _watch(row: sqlite3.Row) -> Watch:
    return Watch(**dict(row))


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(**dict(row))
