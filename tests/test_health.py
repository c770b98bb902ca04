"""`/healthz`: 503 with a reason while the bot cannot do its work, 200 otherwise."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
from bot_world import World, running_world
from helpers_poller import NEW_RUN, add_run, poll_world
from helpers_watch import command

from bot.demo.seed import SEED_IMPORT_GUID

LOGIN_ROUTE = "POST /login"


async def health(world: World) -> httpx.Response:
    """GET /healthz of the running bot."""
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.get(f"{world.bot.base}/healthz")


async def health_becomes(
    world: World, status: int, timeout: float = 30.0, *, saying: str = ""
) -> httpx.Response:
    """Ask /healthz until it answers `status` (with a reason `saying` this)."""
    for _ in range(int(timeout / 0.2)):
        response = await health(world)
        if response.status_code == status and saying in response.json().get("reason", ""):
            return response
        await asyncio.sleep(0.2)
    raise AssertionError(f"/healthz never answered {status}: {response.text}")


async def test_a_refused_login_makes_the_bot_unhealthy_and_is_not_retried_per_command(
    tmp_path: Path,
) -> None:
    """The password changed: a command gets one sentence, /healthz 503 says why, and a second
    command does not try to log in again."""
    async with running_world(tmp_path) as world:
        assert (await health(world)).json()["status"] == "ok"
        world.arena.password = "rotated-by-an-admin"
        world.arena.expire_sessions()
        # The bot logged in at start: the first request to meet the expired session logs in again.
        first = await command(world, f"{SEED_IMPORT_GUID} 14", "one")
        assert "could not sign in to Arena" in first["text"]
        response = await health(world)
        assert response.status_code == 503
        assert response.json()["status"] == "unhealthy"
        assert "Arena refuses the bot's login" in response.json()["reason"]

        tried = world.route(LOGIN_ROUTE)
        second = await command(world, f"{SEED_IMPORT_GUID} 14", "two")
        assert "could not sign in to Arena" in second["text"]
        assert world.route(LOGIN_ROUTE) == tried


async def test_a_database_that_cannot_be_written_makes_the_bot_unhealthy(tmp_path: Path) -> None:
    """Another process holds the database's write lock: 503 naming the database; released, 200."""
    async with running_world(tmp_path) as world:
        await command(world, f"subscribe {SEED_IMPORT_GUID} all", "sub")
        other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            # The write waits out the busy timeout (5 s) in its worker thread, then says why.
            await health_becomes(world, 503, saying="the database cannot be written")
            other.execute("ROLLBACK")
            await health_becomes(world, 200)
        finally:
            other.close()


async def test_a_pass_stuck_for_three_intervals_is_unhealthy(database_url: str) -> None:
    """A pass with work that has not finished for over 3 poll intervals: unhealthy, saying so;
    finished, healthy again. With nothing to do, a long quiet is healthy."""
    async with poll_world(database_url) as world:
        world.clock.advance(3600)
        assert world.poller.unhealthy() is None
        add_run(world.sim, NEW_RUN, finishes_after=3600)
        await world.watch(NEW_RUN)
        await world.poller.tick()
        world.clock.advance(30)
        world.sim.latency = 1.0  # Arena hangs while the pass waits for the runs list
        stuck = asyncio.create_task(world.poller.tick())
        await asyncio.sleep(0)
        world.clock.advance(59)
        assert world.poller.unhealthy() is None  # 89 s since the last pass ended
        world.clock.advance(2)
        assert "has not finished a pass for 91 s" in (world.poller.unhealthy() or "")
        assert not stuck.done()
        await stuck
        assert world.poller.unhealthy() is None
