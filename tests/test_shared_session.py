"""One Arena session for every process on one database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio

from helpers_arena import open_arena

from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.simulator import ArenaSimulator
from bot.watch.shared_session import StoredSession
from bot.watch.store import Store

ACCOUNT = "integration@example.com http://arena 123456789"


async def test_two_clients_share_one_login_and_renew_it_once(
    arena_sim: ArenaSimulator, stores: tuple[Store, Store]
) -> None:
    """The second process uses the first one's session; when Arena ends it, both ask at once
    and only one logs in again."""
    one, two = (StoredSession(store, ACCOUNT) for store in stores)
    async with (
        open_arena(arena_sim.url, keeper=one, backoff=0) as first,
        open_arena(arena_sim.url, keeper=two, backoff=0) as second,
    ):
        await first.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
        await second.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
        assert arena_sim.stats.logins == 1

        arena_sim.expire_sessions()
        await asyncio.gather(
            first.list_runs(SEED_IMPORT_GUID, limit=5),
            second.list_runs(SEED_IMPORT_GUID, limit=5),
        )
        assert arena_sim.stats.logins == 2
        await first.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
        await second.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
        assert arena_sim.stats.logins == 2


async def test_a_new_process_picks_up_the_stored_session(
    arena_sim: ArenaSimulator, stores: tuple[Store, Store]
) -> None:
    """A process started beside a running one (a rolling update) does not log in; once the
    old one stops (and logs out, as a lone bot should), the new one logs in once."""
    async with open_arena(arena_sim.url, keeper=StoredSession(stores[0], ACCOUNT)) as old:
        await old.login()
        async with open_arena(arena_sim.url, keeper=StoredSession(stores[1], ACCOUNT)) as new:
            await new.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
            assert arena_sim.stats.logins == 1
            await old.close()
            await new.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
            assert arena_sim.stats.logins == 2
