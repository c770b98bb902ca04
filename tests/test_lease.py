"""The poller's lease on both back ends: one replica polls, another takes over when it stops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from helpers_poller import NEW_RUN, add_run, poll_world

from bot.watch.lease import Leadership, LeaseLost
from bot.watch.store import Store


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the loops run until `predicate()` holds."""
    async with asyncio.timeout(timeout):
        while not predicate():  # noqa: ASYNC110 (state of other tasks, not an event)
            await asyncio.sleep(0.005)


def polling(log: list[str], name: str) -> Callable[[], Coroutine[Any, Any, None]]:
    """A poller that notes it started and then polls until cancelled."""

    async def poll() -> None:
        log.append(name)
        await asyncio.Event().wait()

    return poll


async def test_one_replica_polls_and_another_takes_over_when_its_lease_expires(
    stores: tuple[Store, Store],
) -> None:
    """A leads, B follows; A freezes (no renewal) past LEASE_SECONDS and B polls; A, thawed,
    is fenced out and follows; B stopping cleanly hands the lease straight back."""
    now = [1000.0]
    thawed = asyncio.Event()
    thawed.set()

    async def nap(_: float) -> None:
        await asyncio.sleep(0.005)

    async def a_nap(seconds: float) -> None:
        await nap(seconds)
        await thawed.wait()

    a = Leadership(stores[0], seconds=15, holder="a", clock=lambda: now[0], sleep=a_nap)
    b = Leadership(stores[1], seconds=15, holder="b", clock=lambda: now[0], sleep=nap)
    started: list[str] = []
    a_task = asyncio.create_task(a.run(polling(started, "a")))
    await until(lambda: a.leading)
    b_task = asyncio.create_task(b.run(polling(started, "b")))
    try:
        await asyncio.sleep(0.1)
        assert (a.role, b.role, started) == ("leader", "follower", ["a"])

        thawed.clear()
        now[0] += 14.0
        await asyncio.sleep(0.1)
        assert b.role == "follower"  # the lease has a second left
        now[0] += 1.5
        await until(lambda: b.leading)
        # Leading comes a moment before the poller task has run its first step.
        await until(lambda: started == ["a", "b"])
        with pytest.raises(LeaseLost):
            await a.fence()
        thawed.set()
        await until(lambda: not a.leading)
        await asyncio.sleep(0.05)
        assert (a.role, b.role) == ("follower", "leader")

        b_task.cancel()
        await asyncio.gather(b_task, return_exceptions=True)
        await until(lambda: a.leading)
        await until(lambda: started == ["a", "b", "a"])
    finally:
        for task in (a_task, b_task):
            task.cancel()
        await asyncio.gather(a_task, b_task, return_exceptions=True)


async def test_a_fenced_out_poller_posts_nothing(database_url: str, tmp_path: Path) -> None:
    """A run finished while this replica lost the lease: no card update, no reply, and
    `run()` ends with LeaseLost instead of polling on."""
    async with poll_world(database_url) as world:

        async def lost() -> None:
            raise LeaseLost("replica x no longer holds the poller's lease")

        poller = world.new_poller(sleep=world.sleep, fence=lost)
        add_run(world.sim, NEW_RUN, finishes_after=None)
        await world.watch(NEW_RUN)
        world.clock.advance(60)
        with pytest.raises(LeaseLost):
            await asyncio.wait_for(poller.run(), timeout=10)
        assert world.slack.calls_to("chat.update") == []
        assert world.posts() == []
        [watch] = await world.store.pending_watches()
        assert watch.stage == 0
