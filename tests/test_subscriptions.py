"""Subscriptions in-process on a fake clock: simulator and Slack stub over HTTP, SQLite file."""

from __future__ import annotations

import logging

import pytest
from helpers_poller import (
    CHANNEL,
    NEW_RUN,
    NEWER_RUN,
    RUNS_ROUTE,
    THIRD_RUN,
    USER,
    add_run,
    gaps,
    numbers,
    poll_world,
)

from bot.answer.commands import Subscribe
from bot.answer.notify import list_here, subscribe
from bot.demo.seed import BOM_IMPORT_GUID, RUNNING_RUN_FINISHES_AFTER, SEED_IMPORT_GUID
from bot.runs.messages import Asker

OTHER = "C0ELSEWHER"

# Subscriptions


async def test_subscription_announces_new_runs_once_and_never_old_ones(database_url: str) -> None:
    """Runs finished before `subscribe` stay quiet; the running one and two new ones, once each."""
    async with poll_world(database_url) as world:
        assert "will now hear about every run" in await world.subscribe("all")
        add_run(world.sim, NEW_RUN, finishes_after=300)  # #17
        add_run(world.sim, NEWER_RUN, finishes_after=120)  # #18, done before #17
        await world.run_for(30)
        assert numbers(world.posts()) == []

        await world.run_for(3600)
        notice, *cards = world.posts()
        assert "subscribed this channel to every run of *Item Master load*" in notice.text
        assert numbers(cards) == [16, 18, 17]
        assert {c.body["channel"] for c in cards} == {CHANNEL}
        assert all("thread_ts" not in c.body for c in cards)
        assert "unsubscribe" in str(cards[0].body["blocks"])


async def test_more_new_runs_than_one_page_are_all_announced_once(database_url: str) -> None:
    """25 runs finish between two polls: the poller reads further back than its 20-run page."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        for n in range(25):
            add_run(world.sim, f"MANYRUNQ8ZT4KD6R{n:04d}", finishes_after=50)
        await world.run_for(600)
        assert numbers(world.posts()) == list(range(16, 42))


async def test_a_finished_run_above_a_running_one_is_old_news(database_url: str) -> None:
    """At subscribe time #16 runs and #17 is done: #16 is announced when it ends, #17 never."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=None)
        await world.subscribe("all")
        await world.run_for(RUNNING_RUN_FINISHES_AFTER + 120)
        assert numbers(world.posts()) == [16]
        add_run(world.sim, NEWER_RUN, finishes_after=60)
        await world.run_for(600)
        assert numbers(world.posts()) == [16, 18]


async def test_the_failures_filter_keeps_clean_runs_quiet(database_url: str) -> None:
    """`failures`: ERROR, or COMPLETE with failed rows; a clean run is not announced."""
    async with poll_world(database_url) as world:
        await world.subscribe("failures")
        add_run(world.sim, NEW_RUN, finishes_after=90)  # #17 clean
        add_run(world.sim, NEWER_RUN, finishes_after=120, status="ERROR", errorCount=0)  # #18
        add_run(world.sim, THIRD_RUN, finishes_after=150, errorCount=5, successCount=1_995)
        await world.run_for(1800)
        # #16 (the seeded running run) ends with 10 failed rows.
        assert numbers(world.posts()) == [16, 18, 19]


async def test_the_warnings_filter_adds_runs_with_warnings(database_url: str) -> None:
    """`warnings`: failures plus runs with warnings; a clean run without warnings stays quiet."""
    warned = {"count": 1, "results": [{"code": 331, "message": "Column 'X' ignored."}]}
    async with poll_world(database_url) as world:
        await world.subscribe("warnings")
        add_run(world.sim, NEW_RUN, finishes_after=90)  # #17 clean
        add_run(world.sim, NEWER_RUN, finishes_after=120, warnings=warned)  # #18
        add_run(world.sim, THIRD_RUN, finishes_after=150, status="ERROR")  # #19
        await world.run_for(1800)
        assert numbers(world.posts()) == [16, 18, 19]


async def test_a_channel_that_refuses_the_bot_stops_its_subscription(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`not_in_channel`: one try, one log line, listed as stopped, no more polling for it; the
    person who subscribed is told directly."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        world.slack.fail("chat.postMessage", "not_in_channel", times=None, channel=CHANNEL)
        with caplog.at_level(logging.WARNING, logger="bot.watch"):
            await world.run_for(RUNNING_RUN_FINISHES_AFTER + 60)
            listed = world.requests(RUNS_ROUTE)
            await world.run_for(3600)
        _notice, refused, told = world.slack.calls_to("chat.postMessage")
        assert refused.answer["error"] == "not_in_channel"
        assert told.body["channel"] == USER
        assert "subscription to import" in told.text
        assert "has stopped" in told.text
        assert world.requests(RUNS_ROUTE) == listed
        assert await world.store.subscriptions(CHANNEL) == []
        [stopped] = await world.store.subscriptions(CHANNEL, active=False)
        assert stopped.disabled_reason == "not_in_channel"
        [line] = [r for r in caplog.records if "not_in_channel" in r.getMessage()]
        assert "disabled" in line.getMessage()
        said = (await list_here(world.deps, Asker(USER, CHANNEL))).text
        assert "*stopped*: Slack said `not_in_channel`" in said


async def test_a_rate_limited_channel_waits_alone(database_url: str) -> None:
    """Slack's 429 with Retry-After: 20 on one channel: the other channel's card goes out at
    once; the limited channel's card goes out once, 20 s later (not 30 s: the read is brought
    forward to the moment Slack named)."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        await subscribe(world.deps, Asker(USER, OTHER), Subscribe(SEED_IMPORT_GUID, "all"))
        world.slack.rate_limit("chat.postMessage", retry_after=20, channel=CHANNEL)

        def cards(channel: str) -> list[int]:
            return numbers([c for c in world.posts() if c.body["channel"] == channel])

        async def tick_until(channel: str) -> float:
            """Tick until `channel` has a card; when (poller time) the tick that posted it ran."""
            while True:
                at = world.now()
                await world.tick()
                if cards(channel):
                    return at

        told_other = await tick_until(OTHER)
        reads = world.requests(RUNS_ROUTE)
        [limited] = [c for c in world.slack.calls_to("chat.postMessage") if not c.answer["ok"]]
        assert limited.answer["error"] == "ratelimited"
        assert cards(CHANNEL) == []

        assert 20 <= await tick_until(CHANNEL) - told_other < 30
        assert world.requests(RUNS_ROUTE) == reads + 1  # the import's read, brought forward
        await world.run_for(600)
        assert cards(CHANNEL) == cards(OTHER) == [16]


async def test_a_quiet_import_is_read_less_and_less_often(database_url: str) -> None:
    """Nothing happening: reads 30 s apart, then ×1.5 up to the cap; a new run brings 30 s back."""
    async with poll_world(database_url, poll_max_interval_seconds=600) as world:
        await world.subscribe(import_guid=BOM_IMPORT_GUID)
        waits = gaps(await world.poll_times(2 * 3600, RUNS_ROUTE))
        assert waits[:4] == pytest.approx([30, 30, 45, 67.5])
        assert waits[-3:] == pytest.approx([600, 600, 600])
        assert len(waits) <= 20  # against 240 reads at a fixed 30 s

        add_run(world.sim, NEW_RUN, finishes_after=100, import_guid=BOM_IMPORT_GUID)  # #3
        after = gaps(await world.poll_times(1800, RUNS_ROUTE))
        assert after[0] <= 600
        assert after[1] == pytest.approx(30)  # the read after a change comes at the base delay
        assert numbers(world.posts()) == [3]


async def test_a_read_asks_arena_once_even_with_an_old_run_still_going(database_url: str) -> None:
    """A 3-hour run holds the subscription's place while 30 newer runs finish: each read is one
    request, long enough to reach back to it; every new run is announced once."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=3 * 3600)  # #17
        await world.subscribe("all")
        await world.run_for(RUNNING_RUN_FINISHES_AFTER + 60)
        assert numbers(world.posts()) == [16]
        for n in range(30):  # #18 … #47
            add_run(world.sim, f"MANYRUNQ8ZT4KD6R{n:04d}", finishes_after=40)
        await world.run_for(120)  # the first read after them reaches further back once
        per_read = []
        end = world.now() + 3600
        while world.now() < end:
            before = world.requests(RUNS_ROUTE)
            await world.tick()
            per_read.append(world.requests(RUNS_ROUTE) - before)
        assert max(per_read) == 1
        assert numbers(world.posts()) == [16, *range(18, 48)]
