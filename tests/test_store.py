"""The store, on SQLite and on PostgreSQL: what is asked for survives a restart; each run is
settled once per channel; one poller holds the lease; one Arena session is shared."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.watch.records import SubscriptionFilter
from bot.watch.store import (
    DatabaseError,
    Store,
    StoreError,
    Subscription,
    Watch,
    database_path,
    open_store,
)

CHANNEL = "C0WATCHERS"
OTHER = "C0ELSEWHER"
IMPORT = "IM4QX7N2BK9D3WZTRH5A"
RUN = "R9TCQNRT4L47Q9VQWUF3"


@pytest.fixture
def url(database_url: str) -> str:
    """An empty database of each back end (SQLite: a file in a folder not made yet)."""
    return database_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet, in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'data' / 'bot.db'}"


@pytest.fixture
async def store(url: str) -> AsyncIterator[Store]:
    """An open store, closed afterwards."""
    opened = await open_store(url)
    try:
        yield opened
    finally:
        await opened.close()


async def add_watch(
    store: Store,
    *,
    channel: str = CHANNEL,
    ts: str = "1.000001",
    now: float = 0.0,
    run: str = RUN,
    number: int | None = 16,
) -> Watch:
    """A watch of `run` (number `number`) in `channel`."""
    return await store.add_watch(
        channel=channel,
        import_guid=IMPORT,
        run_guid=run,
        message_ts=ts,
        user_id="U0ASKER001",
        now=now,
        interval=30.0,
        run_number=number,
    )


async def subscribe(
    store: Store,
    *,
    filter: SubscriptionFilter = "all",
    since: int = 15,
    settled: tuple[str, ...] = (),
) -> tuple[Subscription, bool]:
    """Subscribe CHANNEL to IMPORT."""
    return await store.subscribe(
        channel=CHANNEL,
        import_guid=IMPORT,
        filter=filter,
        since_number=since,
        settled=settled,
        user_id="U0ASKER001",
        now=0.0,
    )


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///importrun-bot.db", "importrun-bot.db"),
        ("sqlite:///data/bot.db", "data/bot.db"),
        ("sqlite:////var/lib/importrun/bot.db", "/var/lib/importrun/bot.db"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
async def test_database_path_reads_sqlite_urls(url: str, path: str) -> None:
    """Three slashes and a relative path, four and an absolute one, or memory."""
    assert database_path(url) == path


@pytest.mark.parametrize("url", ["mysql://db/bot", "bot.db", "sqlite://bot.db"])
async def test_other_database_urls_are_refused_with_a_sentence(url: str) -> None:
    """SQLite and PostgreSQL are built in, and the message says what was given."""
    with pytest.raises(DatabaseError, match="DATABASE_URL must start with sqlite:///") as caught:
        await open_store(url)
    assert repr(url) in str(caught.value)


async def test_the_file_is_created_in_wal_mode(sqlite_url: str) -> None:
    """The folder is made; the journal is WAL (readers never block the poller's writes)."""
    store = await open_store(sqlite_url)
    await store.close()
    path = Path(database_path(sqlite_url))
    assert path.is_file()  # noqa: ASYNC240
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        check.close()


async def test_an_in_memory_store_works() -> None:
    """`sqlite:///:memory:` for tests and trials: nothing written to disk."""
    store = await open_store("sqlite:///:memory:")
    try:
        await add_watch(store)
        await subscribe(store)
        assert len(await store.pending_watches()) == 1
        assert len(await store.subscriptions()) == 1
    finally:
        await store.close()


async def test_everything_survives_reopening_the_file(url: str) -> None:
    """Watches with their stage and schedule, subscriptions, announced runs: all still there."""
    first = await open_store(url)
    watch = await add_watch(first, now=100.0)
    await first.advance_watch(watch.id, 1)
    await first.reschedule_watch(watch.id, next_poll_at=245.0, interval=67.5)
    subscription, _ = await subscribe(first, filter="failures", settled=("OLDRUNQ8ZT4KD6RX2MBA",))
    await first.advance_since(subscription.id, 17)
    await first.mark_announced(CHANNEL, RUN, now=200.0, posted=True)
    await first.close()

    second = await open_store(url)
    try:
        [again] = await second.pending_watches()
        assert (again.id, again.stage, again.next_poll_at, again.interval) == (
            watch.id,
            1,
            245.0,
            67.5,
        )
        [sub] = await second.subscriptions(CHANNEL)
        assert (sub.filter, sub.since_number) == ("failures", 17)
        assert await second.was_announced(CHANNEL, RUN)
        assert await second.was_announced(CHANNEL, "OLDRUNQ8ZT4KD6RX2MBA")
    finally:
        await second.close()


async def test_a_watch_is_pending_until_its_reply_is_sent(store: Store) -> None:
    """Stage 0 → 1 (card updated) → 2 (reply sent, no longer pending); never backwards."""
    watch = await add_watch(store, now=1000.0)
    assert (watch.stage, watch.next_poll_at) == (0, 1030.0)
    await store.advance_watch(watch.id, 1)
    await store.advance_watch(watch.id, 0)
    assert (await store.pending_watches())[0].stage == 1
    await store.advance_watch(watch.id, 2)
    assert await store.pending_watches() == []


async def test_watching_the_same_run_again_replaces_the_watch(store: Store) -> None:
    """One watch per run and channel: the newer card and asker win, and it is pending again."""
    first = await add_watch(store, ts="1.000001")
    await store.advance_watch(first.id, 2)
    second = await add_watch(store, ts="2.000002")
    assert second.id == first.id
    assert (second.message_ts, second.stage) == ("2.000002", 0)
    await add_watch(store, channel=OTHER)
    assert len(await store.pending_watches()) == 2
    assert [w.channel for w in await store.pending_watches(OTHER)] == [OTHER]


async def test_a_moved_or_dropped_watch(store: Store) -> None:
    """A card posted anew moves the watch; a dropped watch is gone."""
    watch = await add_watch(store)
    await store.move_watch(watch.id, "9.000009")
    assert await store.watch_ts(watch.id) == "9.000009"
    await store.drop_watch(watch.id)
    assert await store.watch_ts(watch.id) is None
    assert await store.pending_watches() == []


async def test_subscribing_settles_the_old_runs_and_resubscribing_changes_the_filter(
    store: Store,
) -> None:
    """Old runs are settled once; a second subscribe keeps `since` and turns it back on."""
    first, new = await subscribe(store, since=15, settled=("OLDRUNQ8ZT4KD6RX2MBA",))
    assert new
    assert await store.was_announced(CHANNEL, "OLDRUNQ8ZT4KD6RX2MBA")
    assert not await store.was_announced(OTHER, "OLDRUNQ8ZT4KD6RX2MBA")
    await store.advance_since(first.id, 18)
    await store.disable(first.id, "not_in_channel")
    assert await store.subscriptions() == []

    again, new = await subscribe(store, filter="warnings", since=3)
    assert not new
    assert (again.id, again.filter, again.since_number) == (first.id, "warnings", 18)
    assert again.disabled_reason is None
    assert await store.subscriptions(CHANNEL) == [again]


async def test_a_disabled_subscription_is_listed_with_its_reason(store: Store) -> None:
    """Stopped subscriptions stay visible to `list`, not to the poller."""
    subscription, _ = await subscribe(store)
    await store.disable(subscription.id, "is_archived")
    assert await store.subscriptions(CHANNEL) == []
    [listed] = await store.subscriptions(CHANNEL, active=False)
    assert listed.disabled_reason == "is_archived"
    assert await store.unsubscribe(CHANNEL, IMPORT)
    assert not await store.unsubscribe(CHANNEL, IMPORT)
    assert await store.subscriptions(CHANNEL, active=False) == []


async def test_since_only_moves_forward_and_announcing_is_idempotent(store: Store) -> None:
    """`advance_since` keeps the highest number; marking a run twice keeps the first record."""
    subscription, _ = await subscribe(store, since=15)
    await store.advance_since(subscription.id, 12)
    assert (await store.subscriptions())[0].since_number == 15
    await store.mark_announced(CHANNEL, RUN, now=1.0, posted=False)
    await store.mark_announced(CHANNEL, RUN, now=2.0, posted=True)
    assert await store.was_announced(CHANNEL, RUN)


async def test_others_watching_the_same_run_are_mentioned_once_each(store: Store) -> None:
    """A second person is added to the pending watch, once; the first asker is not repeated."""
    watch = await add_watch(store)
    for user in ("U0SECOND01", "U0SECOND01", "U0ASKER001"):
        await store.add_watcher(watch.id, user)
    found = await store.pending_watch(CHANNEL, RUN)
    assert found is not None
    assert found.watchers == ["U0ASKER001", "U0SECOND01"]
    assert await store.pending_watch(OTHER, RUN) is None
    await store.advance_watch(watch.id, 2)
    assert await store.pending_watch(CHANNEL, RUN) is None


async def test_a_database_from_before_several_watchers_is_upgraded(sqlite_url: str) -> None:
    """A watches table without `others` (an earlier build) gains it; its watch is kept."""
    path = Path(database_path(sqlite_url))
    path.parent.mkdir(parents=True)
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE watches (id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
        " import_guid TEXT NOT NULL, run_guid TEXT NOT NULL, message_ts TEXT NOT NULL,"
        " user_id TEXT NOT NULL, created_at REAL NOT NULL, next_poll_at REAL NOT NULL,"
        " interval REAL NOT NULL, stage INTEGER NOT NULL DEFAULT 0,"
        " UNIQUE (channel, import_guid, run_guid));"
        f" INSERT INTO watches VALUES (1, '{CHANNEL}', '{IMPORT}', '{RUN}', '1.000001',"
        " 'U0ASKER001', 0, 30, 30, 0);"
    )
    old.close()
    store = await open_store(sqlite_url)
    try:
        [watch] = await store.pending_watches()
        assert watch.watchers == ["U0ASKER001"]
    finally:
        await store.close()


async def test_migrations_run_once_and_upgrade_a_version_1_database(url: str) -> None:
    """A database left at schema version 1 (before replicas) gains the lease and the session
    tables in place, keeping its watches; opening it again changes nothing."""
    first = await open_store(url)
    watch = await add_watch(first)
    await first.close()
    await _downgrade(url, to=1)

    again = await open_store(url)
    try:
        assert [w.id for w in await again.pending_watches()] == [watch.id]
        assert await again.claim_lease("replica-a", now=0.0, seconds=15)
        assert await _versions(url) == [1, 2, 3]
    finally:
        await again.close()
    reopened = await open_store(url)
    await reopened.close()
    assert await _versions(url) == [1, 2, 3]


async def test_a_version_2_database_gains_run_numbers(url: str) -> None:
    """A database left at schema version 2 (watches without their run's number) gains the
    table of numbers in place: its watch is kept, with no number; a new watch keeps its run's
    number, and watching again (after the run was announced) keeps the number of the new watch."""
    first = await open_store(url)
    old = await add_watch(first)
    await first.close()
    await _downgrade(url, to=2)

    store = await open_store(url)
    try:
        assert await _versions(url) == [1, 2, 3]
        [kept] = await store.pending_watches()
        assert (kept.id, kept.run_guid, kept.run_number) == (old.id, RUN, None)
        assert kept.watchers == ["U0ASKER001"]
        new = await add_watch(store, run="R8NEWRUN4L47Q9VQWUF3", number=17)
        assert new.run_number == 17
        await store.advance_watch(old.id, 2)
        again = await add_watch(store, number=16)
        assert (again.id, again.run_number) == (old.id, 16)
        numbers = {w.run_guid: w.run_number for w in await store.pending_watches(CHANNEL)}
        assert numbers == {RUN: 16, "R8NEWRUN4L47Q9VQWUF3": 17}
    finally:
        await store.close()


@dataclass(frozen=True)
class WatchOfVersion2:
    """The build before schema version 3 (bot/watch/records.py then): it reads a watch as
    `Watch(**row)` of `SELECT * FROM watches`, in its poller and in `list`."""

    id: int
    channel: str
    import_guid: str
    run_guid: str
    message_ts: str
    user_id: str
    others: str
    created_at: float
    next_poll_at: float
    interval: float
    stage: int


async def test_a_replica_of_the_build_before_still_reads_watches(url: str) -> None:
    """A rolling update: the new build migrates the shared database while a replica of the
    build before still polls (or goes on alone, if the new one stops after migrating). That
    replica must still read the watches, the new ones with their run's number too."""
    store = await open_store(url)
    try:
        await add_watch(store, number=16)
    finally:
        await store.close()
    rows = await _raw_rows(url, "SELECT * FROM watches")
    assert [WatchOfVersion2(**row).run_guid for row in rows] == [RUN]


async def _raw_rows(url: str, sql: str) -> list[dict[str, object]]:
    if url.startswith("sqlite"):
        db = sqlite3.connect(database_path(url))
        db.row_factory = sqlite3.Row
        rows = [dict(row) for row in db.execute(sql).fetchall()]
        db.close()
        return rows
    import psycopg
    from psycopg.rows import dict_row

    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        cursor = await conn.execute(sql.encode())
        return list(await cursor.fetchall())


# What each migration added, undone: a database as the build before that migration left it.
_UNDO = {
    2: ["DROP TABLE leases", "DROP TABLE arena_sessions"],
    3: ["DROP TABLE run_numbers"],
}


async def _downgrade(url: str, *, to: int) -> None:
    """What a database written by the build before migration `to + 1` looks like."""
    script = [
        sql for version in sorted(_UNDO, reverse=True) if version > to for sql in _UNDO[version]
    ]
    script.append(f"DELETE FROM schema_version WHERE version > {to}")
    if url.startswith("sqlite"):
        db = sqlite3.connect(database_path(url))
        with db:
            for sql in script:
                db.execute(sql)
        db.close()
        return
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for sql in script:
            await conn.execute(sql.encode())


async def _versions(url: str) -> list[int]:
    if url.startswith("sqlite"):
        db = sqlite3.connect(database_path(url))
        rows = db.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        db.close()
        return [row[0] for row in rows]
    import psycopg

    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute(b"SELECT version FROM schema_version ORDER BY version")
        return [row[0] for row in await cursor.fetchall()]


async def test_one_replica_holds_the_lease_until_it_expires(store: Store) -> None:
    """The first claim wins; a second replica is refused while the lease runs, renewing keeps
    it, and once it expired the second takes it over (and the first is fenced out)."""
    assert await store.claim_lease("replica-a", now=100.0, seconds=15)
    assert not await store.claim_lease("replica-b", now=101.0, seconds=15)
    assert await store.claim_lease("replica-a", now=110.0, seconds=15)  # renewed to 125
    assert not await store.claim_lease("replica-b", now=124.0, seconds=15)
    assert await store.holds_lease("replica-a", now=124.0)
    assert await store.claim_lease("replica-b", now=125.5, seconds=15)
    assert not await store.holds_lease("replica-a", now=125.5)
    assert await store.holds_lease("replica-b", now=125.5)
    assert not await store.claim_lease("replica-a", now=126.0, seconds=15)


async def test_a_released_lease_is_taken_at_once(store: Store) -> None:
    """A replica stopping cleanly gives the lease up; another need not wait for it to expire."""
    assert await store.claim_lease("replica-a", now=0.0, seconds=15)
    await store.release_lease("replica-b")  # not its lease: nothing happens
    assert not await store.claim_lease("replica-b", now=1.0, seconds=15)
    await store.release_lease("replica-a")
    assert await store.claim_lease("replica-b", now=1.0, seconds=15)


async def test_the_arena_session_is_renewed_once_for_every_process(url: str) -> None:
    """Two stores on one database (two processes): the token refused is replaced by one login;
    the other, still holding the refused token, gets the new one without logging in."""
    one, two = await open_store(url), await open_store(url)
    logins: list[str] = []

    async def login() -> str:
        await asyncio.sleep(0.05)  # both ask while the first login is under way
        logins.append(f"token-{len(logins) + 1}")
        return logins[-1]

    try:
        assert await one.arena_token("user@example.com") is None
        first = await one.replace_arena_token("user@example.com", None, login)
        assert await two.arena_token("user@example.com") == first == "token-1"
        renewed = await asyncio.gather(
            one.replace_arena_token("user@example.com", first, login),
            two.replace_arena_token("user@example.com", first, login),
        )
        assert list(renewed) == ["token-2", "token-2"]
        assert logins == ["token-1", "token-2"]
        assert await two.arena_token("someone-else@example.com") is None
    finally:
        await one.close()
        await two.close()


async def test_a_failed_login_leaves_the_stored_session_alone(store: Store) -> None:
    """A login that raises stores nothing and releases the lock for the next one."""

    async def refused() -> str:
        raise RuntimeError("Arena refused the login")

    async def accepted() -> str:
        return "token-ok"

    with pytest.raises(RuntimeError, match="refused"):
        await store.replace_arena_token("user@example.com", None, refused)
    assert await store.arena_token("user@example.com") is None
    assert await store.replace_arena_token("user@example.com", None, accepted) == "token-ok"


async def test_a_database_that_cannot_be_made_is_one_sentence(tmp_path: Path) -> None:
    """A folder where a file stands: the sentence names the file and says what to check."""
    (tmp_path / "blocker").write_text("not a folder")
    with pytest.raises(DatabaseError) as caught:
        await open_store(f"sqlite:///{tmp_path / 'blocker' / 'bot.db'}")
    assert "DATABASE_URL: the SQLite file" in str(caught.value)
    assert "cannot be opened" in str(caught.value)


async def test_an_unreachable_postgresql_is_one_sentence_without_the_password() -> None:
    """Nothing listens on the port: one sentence, the password replaced by ***."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://bot:s3cret-pw@127.0.0.1:{port}/importrun"
    with pytest.raises(DatabaseError) as caught:
        await open_store(url)
    said = str(caught.value)
    assert said.startswith(f"DATABASE_URL: PostgreSQL at postgresql://bot:***@127.0.0.1:{port}")
    assert "s3cret-pw" not in said
    assert "\n" not in said


async def test_the_heartbeat_fails_while_another_process_holds_the_write_lock(
    sqlite_url: str,
) -> None:
    """The health check's write: fine alone, a StoreError while another writer holds the file."""
    store = await open_store(sqlite_url)
    other = sqlite3.connect(database_path(sqlite_url), isolation_level=None, timeout=0)
    try:
        await store._write("PRAGMA busy_timeout=0")
        await store.heartbeat(1.0)
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match="locked"):
            await store.heartbeat(2.0)
        other.execute("ROLLBACK")
        await store.heartbeat(3.0)
        [(at,)] = other.execute("SELECT at FROM heartbeat").fetchall()
        assert at == 3.0
    finally:
        other.close()
        await store.close()


async def test_a_subscription_keeps_its_mentions_until_changed_or_removed(store: Store) -> None:
    """Mentions are stored with the subscription, replaced by a new subscribe, gone with it."""
    first, _ = await store.subscribe(
        channel=CHANNEL,
        import_guid=IMPORT,
        filter="failures",
        since_number=3,
        settled=(),
        user_id="U0ASKER001",
        now=0.0,
        mentions=("<!subteam^S0ONCALL1>", "<@U0DANA0001>"),
    )
    assert first.mentions == "<!subteam^S0ONCALL1> <@U0DANA0001>"
    again, _ = await subscribe(store, filter="failures")
    assert again.mentions == ""
    assert await store.unsubscribe(CHANNEL, IMPORT)
    assert await store.subscriptions(CHANNEL, active=False) == []


async def test_a_database_from_before_mentions_is_upgraded(sqlite_url: str) -> None:
    """A subscriptions table without `mentions` gains it; its subscription is kept."""
    path = Path(database_path(sqlite_url))
    path.parent.mkdir(parents=True)
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE subscriptions (id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
        " import_guid TEXT NOT NULL, filter TEXT NOT NULL, since_number INTEGER NOT NULL,"
        " created_by TEXT NOT NULL, created_at REAL NOT NULL, disabled_reason TEXT,"
        " UNIQUE (channel, import_guid));"
        f" INSERT INTO subscriptions VALUES (1, '{CHANNEL}', '{IMPORT}', 'all', 4,"
        " 'U0ASKER001', 0, NULL);"
    )
    old.close()
    store = await open_store(sqlite_url)
    try:
        [kept] = await store.subscriptions(CHANNEL)
        assert (kept.since_number, kept.mentions) == (4, "")
    finally:
        await store.close()


async def test_a_locked_file_holds_up_only_the_calls_that_need_it(sqlite_url: str) -> None:
    """Another process holds the write lock: the store's write waits in its worker thread while
    the event loop goes on serving everything else; it completes once the lock is released."""
    store = await open_store(sqlite_url)
    other = sqlite3.connect(database_path(sqlite_url), isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        write = asyncio.create_task(add_watch(store))
        turns = 0
        while turns < 20:  # the loop keeps turning: nothing waits on the file but the write
            await asyncio.sleep(0.01)
            turns += 1
        assert not write.done()
        other.execute("COMMIT")
        watch = await asyncio.wait_for(write, timeout=10)
        assert [w.id for w in await store.pending_watches()] == [watch.id]
    finally:
        other.close()
        await store.close()
