"""The poller in-process on a fake clock: simulator and Slack stub over HTTP, SQLite in tmp_path."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

import pytest
from helpers_poller import (
    CHANNEL,
    NEW_RUN,
    NEWER_RUN,
    RUN_ROUTE,
    RUNS_ROUTE,
    USER,
    add_run,
    gaps,
    numbers,
    poll_world,
)

from bot.answer.status import status
from bot.arena.models import ImportRun
from bot.demo.seed import (
    CLEAN_RUN_GUID,
    SEED_IMPORT_GUID,
)
from bot.watch.poller import Poller, outcome
from bot.watch.store import open_store

# Watches


async def test_finished_watch_updates_its_card_once_and_replies_once(database_url: str) -> None:
    """The card is rewritten in place with the outcome; one thread reply mentions the asker."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=100, errorCount=3, successCount=1_997)
        watch = await world.watch(NEW_RUN)
        await world.run_for(90)
        assert world.slack.calls == []

        await world.run_for(60)
        [update] = world.slack.calls_to("chat.update")
        assert (update.body["channel"], update.body["ts"]) == (CHANNEL, watch.message_ts)
        assert "COMPLETE" in update.text
        assert "1,997 of 2,000" in update.text
        assert f"watched by <@{USER}>" in str(update.body["blocks"])
        [reply] = world.posts()
        assert (reply.body["channel"], reply.body["thread_ts"]) == (CHANNEL, watch.message_ts)
        assert f"<@{USER}>" in reply.text
        assert "3 failed" in reply.text
        assert await world.store.pending_watches() == []

        requests = world.sim.stats.requests
        await world.run_for(3600)
        assert len(world.slack.calls) == 2
        assert world.sim.stats.requests == requests


async def test_a_watched_run_is_read_in_its_imports_list_every_interval(database_url: str) -> None:
    """While a watched run goes on, its import's runs list is read every POLL_INTERVAL_SECONDS
    (one request a poll, for every watch of the import); the run's own GET is not used."""
    async with poll_world(database_url, poll_max_interval_seconds=600) as world:
        add_run(world.sim, NEW_RUN, finishes_after=4 * 3600)
        add_run(world.sim, NEWER_RUN, finishes_after=3 * 3600)
        await world.watch(NEW_RUN)
        await world.watch(NEWER_RUN)
        waits = gaps(await world.poll_times(3600, RUNS_ROUTE))
        assert waits == pytest.approx([30.0] * 119)
        assert world.requests(RUN_ROUTE) == 0
        assert world.slack.calls == []


async def test_a_watched_run_the_list_cannot_show_gets_its_own_reads(database_url: str) -> None:
    """A watched run with more than 400 newer runs: the list cannot reach it, so it is read on
    its own, 30 s then half as long again each time, and announced when it finishes."""
    async with poll_world(database_url, poll_max_interval_seconds=600) as world:
        add_run(world.sim, NEW_RUN, finishes_after=3000)
        for n in range(401):
            add_run(world.sim, f"MANYRUNQ8ZT4KD6R{n:04d}", finishes_after=None)
        await world.watch(NEW_RUN)
        waits = gaps(await world.poll_times(2400, RUN_ROUTE))
        # 30 s, then at least 45, 67.5, 101.25 s: each at the first read of the import after
        assert waits[:4] == pytest.approx([30, 60, 90, 120])
        assert world.requests(RUNS_ROUTE) == 2400 // 30
        await world.run_for(1200)
        [update] = world.slack.calls_to("chat.update")
        assert "run #17" in update.text


async def test_a_card_cut_short_by_a_crash_only_gets_its_reply(database_url: str) -> None:
    """Restarted after the card was updated but before the reply: the reply, no second update."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=None)
        watch = await world.watch(NEW_RUN)
        await world.store.advance_watch(watch.id, 1)
        await world.run_for(120)
        assert world.slack.calls_to("chat.update") == []
        [reply] = world.posts()
        assert reply.body["thread_ts"] == watch.message_ts


async def test_a_deleted_card_is_posted_anew_and_the_reply_goes_under_it(database_url: str) -> None:
    """`message_not_found` on chat.update: a fresh card in the channel, the reply in its thread."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=40)
        await world.watch(NEW_RUN)
        world.slack.fail("chat.update", "message_not_found")
        await world.run_for(120)
        [update] = world.slack.calls_to("chat.update")
        assert update.answer["error"] == "message_not_found"
        card, reply = world.posts()
        assert "thread_ts" not in card.body
        assert "COMPLETE" in card.text
        assert reply.body["thread_ts"] == card.answer["ts"]
        assert f"<@{USER}>" in reply.text
        await world.run_for(600)
        assert len(world.slack.calls) == 3


async def test_a_reply_slack_refuses_ends_the_watch(database_url: str) -> None:
    """The bot removed from the channel before the reply: tried once, then the watch ends and
    the person who asked is told directly."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=40)
        await world.watch(NEW_RUN)
        world.slack.fail("chat.postMessage", "not_in_channel", times=None, channel=CHANNEL)
        await world.run_for(3600)
        assert len(world.slack.calls_to("chat.update")) == 1
        refused, told = world.slack.calls_to("chat.postMessage")
        assert refused.answer["error"] == "not_in_channel"
        assert told.body["channel"] == USER
        assert "your watch of run" in told.text
        assert "/invite @importrun" in told.text
        assert await world.store.pending_watches() == []


async def test_a_reply_slack_fails_is_retried_later_and_sent_once(database_url: str) -> None:
    """A passing Slack error on the reply: tried again at the next poll, not in a tight loop."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=40)
        await world.watch(NEW_RUN)
        world.slack.fail("chat.postMessage", "internal_error", times=1)
        await world.run_for(3600)
        assert len(world.slack.calls_to("chat.update")) == 1
        assert len(world.slack.calls_to("chat.postMessage")) == 2
        assert len(world.posts()) == 1


async def test_a_run_arena_forgot_ends_its_watch_with_a_note(database_url: str) -> None:
    """A watched run Arena no longer has: one reply saying so, then no more requests for it."""
    async with poll_world(database_url) as world:
        watch = await world.watch("GQNEXISTQ8ZT4KD6RX2M")
        await world.run_for(60)
        [note] = world.posts()
        assert note.body["thread_ts"] == watch.message_ts
        assert "no longer has this import run" in note.text
        requests = world.requests()
        await world.run_for(3600)
        assert world.requests() == requests
        assert len(world.slack.calls) == 1


async def test_a_restarted_poller_announces_nothing_twice(database_url: str) -> None:
    """A new process on the same database: what was announced stays announced; new runs go out."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        add_run(world.sim, NEW_RUN, finishes_after=60)
        await world.watch(NEW_RUN)
        await world.run_for(300)
        assert numbers(world.posts()) == [16]  # #17's announcement is its watched card
        assert len(world.slack.calls_to("chat.update")) == 1
        assert len(world.posts()) == 3  # the subscription's notice, #16 and the thread reply

        store = await open_store(database_url)
        try:
            again = Poller(
                world.deps,
                store=store,
                slack=world.web,
                clock=world.now,
                wall=world.clock,
            )
            add_run(world.sim, NEWER_RUN, finishes_after=60)
            for _ in range(20):
                world.clock.advance(await again.tick())
        finally:
            await store.close()
        assert numbers(world.posts()) == [16, 18]
        assert len(world.slack.calls_to("chat.update")) == 1
        assert len(world.posts()) == 4


async def test_run_polls_on_its_own_until_the_watch_is_announced(database_url: str) -> None:
    """`run()` with an injected sleep that moves the fake clock: the loop the server starts."""
    async with poll_world(database_url) as world:
        poller = world.new_poller(sleep=world.sleep)
        add_run(world.sim, NEW_RUN, finishes_after=200)
        await world.watch(NEW_RUN)
        task = asyncio.create_task(poller.run())
        try:
            await world.slack.wait_until(lambda: len(world.posts()) == 1)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        assert len(world.slack.calls_to("chat.update")) == 1
        assert poller.last_poll_at is not None


# Arena


async def test_polling_backs_off_while_arena_is_down(database_url: str) -> None:
    """503s for ten minutes: a few tries, `status` says why, and the run is announced after."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=300)
        await world.watch(NEW_RUN)
        await world.run_for(40)
        world.sim.fail_next(10_000)
        asked = world.sim.stats.requests
        await world.run_for(600)
        tries = world.sim.stats.requests - asked
        assert 0 < tries <= 3 * (600 // 30 + 1)  # each try is a GET and its two retries
        said = (await status(world.deps)).text
        assert f"import {SEED_IMPORT_GUID}: Arena answered HTTP 503" in said
        assert world.slack.calls == []

        world.sim.fail_next(0)
        await world.run_for(900)
        assert len(world.slack.calls_to("chat.update")) == 1
        assert len(world.posts()) == 1
        assert world.poller.problems() == []  # announced: the import is no longer polled


async def test_a_quota_near_zero_pauses_polling_until_the_reset(database_url: str) -> None:
    """At the reserve: no Arena request until the reset time; `status` says so; then it resumes."""
    async with poll_world(database_url, arena_quota_reserve=200) as world:
        reset_at = world.clock() + timedelta(hours=2)
        add_run(world.sim, NEW_RUN, finishes_after=3 * 3600)
        await world.watch(NEW_RUN)
        world.sim.set_quota(150, reset_at=reset_at)
        await world.run_for(40)  # the first poll learns "149 left" from Arena's headers
        asked = world.sim.stats.requests
        assert world.poller.pace.paused  # at once, not at the next tick

        delay = await world.poller.tick()
        assert world.poller.pace.paused_until == reset_at
        assert 0 < delay <= (reset_at - world.clock()).total_seconds()
        said = (await status(world.deps)).text
        assert "paused: 149 Arena requests left, 200 kept for people" in said

        while world.clock() < reset_at:
            await world.tick()
        assert world.sim.stats.requests == asked

        await world.run_for(2 * 3600)
        assert world.sim.stats.requests > asked
        assert world.poller.pace.paused is False
        assert "finished" in world.posts()[0].text


async def test_a_person_is_answered_while_polling_is_paused(database_url: str) -> None:
    """Pausing is the poller's; a person's question still reaches Arena."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=3 * 3600)
        await world.watch(NEW_RUN)
        world.sim.set_quota(10, reset_at=world.clock() + timedelta(hours=2))
        await world.run_for(60)  # the poll at 30 s learns "9 left"; the next tick pauses
        await world.tick()
        assert world.poller.pace.paused
        run = await world.deps.arena.get_run(SEED_IMPORT_GUID, CLEAN_RUN_GUID)
        assert run.number == 15
        assert world.sim.requests_remaining < 10
        assert (await world.store.pending_watches())[0].run_guid == NEW_RUN


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({}, "import run #17 finished: 2,000 of 2,000 rows went in."),
        (
            {"errorCount": 3, "successCount": 1_997},
            "import run #17 finished with failed rows: 1,997 of 2,000 rows went in, 3 failed.",
        ),
        (
            {"status": "ERROR", "errorCount": 2_000, "successCount": 0},
            "import run #17 failed (ERROR): 0 of 2,000 rows went in, 2,000 failed.",
        ),
        (
            {"commit": False},
            "import run #17 finished: 2,000 of 2,000 rows passed the check "
            "(preview: nothing was committed).",
        ),
        ({"status": "PURGED"}, "import run #17 ended: PURGED."),
    ],
)
def test_the_thread_reply_says_how_the_run_ended(fields: dict[str, Any], said: str) -> None:
    """One sentence: clean, failed rows, ERROR, a preview, or another final status."""
    run = {"guid": NEW_RUN, "number": 17, "status": "COMPLETE", "totalCount": 2_000}
    run |= {"successCount": 2_000, "errorCount": 0} | fields
    assert outcome(ImportRun.model_validate(run)) == said
