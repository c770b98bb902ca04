"""The SQLite store: what is asked for survives a restart; each run is settled once per channel."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.watch.records import SubscriptionFilter
from bot.watch.store import Store, Subscription, Watch, database_path

CHANNEL = "C0WATCHERS"
OTHER = "C0ELSEWHER"
IMPORT = "IM4QX7N2BK9D3WZTRH5A"
RUN = "R9TCQNRT4L47Q9VQWUF3"


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A database file that does not exist yet, in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'data' / 'bot.db'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    """An open store, closed afterwards."""
    opened = Store(url)
    try:
        yield opened
    finally:
        opened.close()


def add_watch(
    store: Store, *, channel: str = CHANNEL, ts: str = "1.000001", now: float = 0.0
) -> Watch:
    """A watch of RUN in `channel`."""
    return store.add_watch(
        channel=channel,
        import_guid=IMPORT,
        run_guid=RUN,
        message_ts=ts,
        user_id="U0ASKER001",
        now=now,
        interval=30.0,
    )


def subscribe(
    store: Store,
    *,
    filter: SubscriptionFilter = "all",
    since: int = 15,
    settled: tuple[str, ...] = (),
) -> tuple[Subscription, bool]:
    """Subscribe CHANNEL to IMPORT."""
    return store.subscribe(
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
def test_database_path_reads_sqlite_urls(url: str, path: str) -> None:
    """Three slashes and a relative path, four and an absolute one, or memory."""
    assert database_path(url) == path


@pytest.mark.parametrize("url", ["postgresql://db/bot", "bot.db", "sqlite://bot.db"])
def test_other_database_urls_are_refused_with_a_sentence(url: str) -> None:
    """Only SQLite is built in, and the message says what was given."""
    with pytest.raises(ValueError, match="DATABASE_URL must start with sqlite:///") as caught:
        database_path(url)
    assert repr(url) in str(caught.value)


def test_the_file_is_created_in_wal_mode(store: Store, url: str) -> None:
    """The folder is made; the journal is WAL (readers never block the poller's writes)."""
    path = Path(database_path(url))
    assert path.is_file()
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        check.close()


def test_an_in_memory_store_works() -> None:
    """`sqlite:///:memory:` for tests and trials: nothing written to disk."""
    store = Store("sqlite:///:memory:")
    try:
        add_watch(store)
        subscribe(store)
        assert len(store.pending_watches()) == 1
        assert len(store.subscriptions()) == 1
    finally:
        store.close()


def test_everything_survives_reopening_the_file(url: str) -> None:
    """Watches with their stage and schedule, subscriptions, announced runs: all still there."""
    first = Store(url)
    watch = add_watch(first, now=100.0)
    first.advance_watch(watch.id, 1)
    first.reschedule_watch(watch.id, next_poll_at=245.0, interval=67.5)
    subscription, _ = subscribe(first, filter="failures", settled=("OLDRUNQ8ZT4KD6RX2MBA",))
    first.advance_since(subscription.id, 17)
    first.mark_announced(CHANNEL, RUN, now=200.0, posted=True)
    first.close()

    second = Store(url)
    try:
        [again] = second.pending_watches()
        assert (again.id, again.stage, again.next_poll_at, again.interval) == (
            watch.id,
            1,
            245.0,
            67.5,
        )
        [sub] = second.subscriptions(CHANNEL)
        assert (sub.filter, sub.since_number) == ("failures", 17)
        assert second.was_announced(CHANNEL, RUN)
        assert second.was_announced(CHANNEL, "OLDRUNQ8ZT4KD6RX2MBA")
    finally:
        second.close()


def test_a_watch_is_pending_until_its_reply_is_sent(store: Store) -> None:
    """Stage 0 → 1 (card updated) → 2 (reply sent, no longer pending); never backwards."""
    watch = add_watch(store, now=1000.0)
    assert (watch.stage, watch.next_poll_at) == (0, 1030.0)
    store.advance_watch(watch.id, 1)
    store.advance_watch(watch.id, 0)
    assert store.pending_watches()[0].stage == 1
    store.advance_watch(watch.id, 2)
    assert store.pending_watches() == []


def test_watching_the_same_run_again_replaces_the_watch(store: Store) -> None:
    """One watch per run and channel: the newer card and asker win, and it is pending again."""
    first = add_watch(store, ts="1.000001")
    store.advance_watch(first.id, 2)
    second = add_watch(store, ts="2.000002")
    assert second.id == first.id
    assert (second.message_ts, second.stage) == ("2.000002", 0)
    add_watch(store, channel=OTHER)
    assert len(store.pending_watches()) == 2
    assert [w.channel for w in store.pending_watches(OTHER)] == [OTHER]


def test_a_moved_or_dropped_watch(store: Store) -> None:
    """A card posted anew moves the watch; a dropped watch is gone."""
    watch = add_watch(store)
    store.move_watch(watch.id, "9.000009")
    assert store.watch_ts(watch.id) == "9.000009"
    store.drop_watch(watch.id)
    assert store.watch_ts(watch.id) is None
    assert store.pending_watches() == []


def test_subscribing_settles_the_old_runs_and_resubscribing_changes_the_filter(
    store: Store,
) -> None:
    """Old runs are settled once; a second subscribe keeps `since` and turns it back on."""
    first, new = subscribe(store, since=15, settled=("OLDRUNQ8ZT4KD6RX2MBA",))
    assert new
    assert store.was_announced(CHANNEL, "OLDRUNQ8ZT4KD6RX2MBA")
    assert not store.was_announced(OTHER, "OLDRUNQ8ZT4KD6RX2MBA")
    store.advance_since(first.id, 18)
    store.disable(first.id, "not_in_channel")
    assert store.subscriptions() == []

    again, new = subscribe(store, filter="warnings", since=3)
    assert not new
    assert (again.id, again.filter, again.since_number) == (first.id, "warnings", 18)
    assert again.disabled_reason is None
    assert store.subscriptions(CHANNEL) == [again]


def test_a_disabled_subscription_is_listed_with_its_reason(store: Store) -> None:
    """Stopped subscriptions stay visible to `list`, not to the poller."""
    subscription, _ = subscribe(store)
    store.disable(subscription.id, "is_archived")
    assert store.subscriptions(CHANNEL) == []
    [listed] = store.subscriptions(CHANNEL, active=False)
    assert listed.disabled_reason == "is_archived"
    assert store.unsubscribe(CHANNEL, IMPORT)
    assert not store.unsubscribe(CHANNEL, IMPORT)
    assert store.subscriptions(CHANNEL, active=False) == []


def test_since_only_moves_forward_and_announcing_is_idempotent(store: Store) -> None:
    """`advance_since` keeps the highest number; marking a run twice keeps the first record."""
    subscription, _ = subscribe(store, since=15)
    store.advance_since(subscription.id, 12)
    assert store.subscriptions()[0].since_number == 15
    store.mark_announced(CHANNEL, RUN, now=1.0, posted=False)
    store.mark_announced(CHANNEL, RUN, now=2.0, posted=True)
    assert store.was_announced(CHANNEL, RUN)


def test_others_watching_the_same_run_are_mentioned_once_each(store: Store) -> None:
    """A second person is added to the pending watch, once; the first asker is not repeated."""
    watch = add_watch(store)
    for user in ("U0SECOND01", "U0SECOND01", "U0ASKER001"):
        store.add_watcher(watch.id, user)
    found = store.pending_watch(CHANNEL, RUN)
    assert found is not None
    assert found.watchers == ["U0ASKER001", "U0SECOND01"]
    assert store.pending_watch(OTHER, RUN) is None
    store.advance_watch(watch.id, 2)
    assert store.pending_watch(CHANNEL, RUN) is None


def test_a_database_from_before_several_watchers_is_upgraded(url: str) -> None:
    """A watches table without `others` (an earlier build) gains it; its watch is kept."""
    path = Path(database_path(url))
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
    store = Store(url)
    try:
        [watch] = store.pending_watches()
        assert watch.watchers == ["U0ASKER001"]
    finally:
        store.close()


def test_the_heartbeat_fails_while_another_process_holds_the_write_lock(url: str) -> None:
    """The health check's write: fine alone, an error while another writer holds the file."""
    store = Store(url)
    other = sqlite3.connect(database_path(url), isolation_level=None, timeout=0)
    try:
        store._db.execute("PRAGMA busy_timeout=0")
        store.heartbeat(1.0)
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            store.heartbeat(2.0)
        other.execute("ROLLBACK")
        store.heartbeat(3.0)
        [(at,)] = other.execute("SELECT at FROM heartbeat").fetchall()
        assert at == 3.0
    finally:
        other.close()
        store.close()


def test_a_subscription_keeps_its_mentions_until_changed_or_removed(store: Store) -> None:
    """Mentions are stored with the subscription, replaced by a new subscribe, gone with it."""
    first, _ = store.subscribe(
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
    again, _ = subscribe(store, filter="failures")
    assert again.mentions == ""
    assert store.unsubscribe(CHANNEL, IMPORT)
    assert store.subscriptions(CHANNEL, active=False) == []


def test_a_database_from_before_mentions_is_upgraded(url: str) -> None:
    """A subscriptions table without `mentions` gains it; its subscription is kept."""
    path = Path(database_path(url))
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
    store = Store(url)
    try:
        [kept] = store.subscriptions(CHANNEL)
        assert (kept.since_number, kept.mentions) == (4, "")
    finally:
        store.close()
