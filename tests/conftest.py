"""Fixtures shared by the tests: a fake clock, a seeded Arena simulator, the databases."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from helpers_postgres import PostgresServer, running_postgres

from bot.demo.simulator import ArenaSimulator, FakeClock
from bot.watch.store import Store, open_store


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock frozen at the current second; `advance()` moves it."""
    return FakeClock()


@pytest.fixture
async def arena_sim(fake_clock: FakeClock) -> AsyncIterator[ArenaSimulator]:
    """A seeded Arena simulator on a free loopback port, driven by `fake_clock`."""
    simulator = ArenaSimulator(clock=fake_clock)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session; without one, skip (fail under CI=true)."""
    with running_postgres() as server:
        if isinstance(server, str):
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"CI needs PostgreSQL: {server}", pytrace=False)
            pytest.skip(server)
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each back end: a SQLite file (its folder not made yet), a schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'bot.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.fresh_url()


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two processes' stores on one database of each back end (two replicas)."""
    one, two = await open_store(database_url), await open_store(database_url)
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()
