"""Fixtures shared by the tests: a fake clock and a running, seeded Arena simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.demo.simulator import ArenaSimulator, FakeClock


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
