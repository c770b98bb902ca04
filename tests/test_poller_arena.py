"""The poller and Arena's limits: a garbled quota reset, a refused login. Fake clock, simulator
and Slack stub over HTTP, SQLite in tmp_path."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from helpers_poller import NEW_RUN, add_run, gaps, poll_world

from bot.answer.status import status

LOGIN_ROUTE = "POST /login"


async def test_a_429_with_a_reset_in_2100_pauses_an_hour_not_until_2100(database_url: str) -> None:
    """A garbled reset time counts as unknown: `status` shows the pause and its cause at once,
    polling looks again within the hour, and resumes when Arena answers again."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=3 * 3600)
        await world.watch(NEW_RUN)
        await world.run_for(40)
        world.sim.set_quota(0, reset_at=datetime(2100, 1, 1, tzinfo=UTC))
        await world.run_for(30)  # the next read gets the 429
        said = (await status(world.deps)).text
        assert "Polling: paused: Arena's daily request quota is spent" in said
        assert "no usable reset time" in said
        asked = world.sim.stats.requests

        await world.run_for(3000)
        assert world.sim.stats.requests == asked
        await world.run_for(700)
        assert world.sim.stats.requests == asked + 1  # one look, still spent
        world.sim.set_quota(5_000)
        await world.run_for(3700)
        assert world.sim.stats.requests > asked + 2
        assert not world.poller.pace.paused


async def test_a_refused_login_backs_off_and_people_are_told(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The password changed: logins are tried 1, 2, 4, … minutes apart (up to an hour), one log
    line each; a person's command meanwhile tries no login and gets one sentence; /healthz's
    check names it; the password fixed, the watch is announced."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=4 * 3600)
        await world.watch(NEW_RUN)
        await world.run_for(40)
        world.sim.password = "rotated-by-an-admin"
        world.sim.expire_sessions()
        tried: list[float] = []
        with caplog.at_level(logging.ERROR, logger="bot.arena"):
            end = world.now() + 3 * 3600
            while (at := world.now()) < end:
                before = world.requests(LOGIN_ROUTE)
                await world.tick()
                if world.requests(LOGIN_ROUTE) > before:
                    tried.append(at)
        assert gaps(tried)[1:] == pytest.approx([60, 120, 240, 480, 960, 1920, 3600])
        refusals = [r for r in caplog.records if "no new login attempt" in r.getMessage()]
        assert len(refusals) == len(tried)

        logins = world.requests(LOGIN_ROUTE)
        said = (await status(world.deps)).text
        assert "could not sign in to Arena" in said
        assert "The bot tries to sign in again in" in said
        assert world.requests(LOGIN_ROUTE) == logins
        assert "Arena refuses the bot's login" in (world.poller.unhealthy() or "")

        world.sim.password = "demo-password"
        await world.run_for(2 * 3600)
        assert world.poller.unhealthy() is None
        [update] = world.slack.calls_to("chat.update")
        assert "run #17" in update.text
