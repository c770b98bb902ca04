"""One read per import, and no item holding up another: the poller on a fake clock against the
Arena simulator and the Slack stub over HTTP, SQLite in tmp_path."""

from __future__ import annotations

import logging

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

from bot.answer.commands import Subscribe
from bot.answer.notify import list_here, subscribe
from bot.answer.status import status
from bot.demo.seed import BOM_IMPORT_GUID, SEED_IMPORT_GUID
from bot.runs.messages import Asker

OTHER = "C0ELSEWHER"
CUT_SHORT = {"warnings": {"count": 2, "results": [{"code": 331, "message": "Column 'X' ignored."}]}}
RUN_PATH = f"/imports/{SEED_IMPORT_GUID}/runs/{NEW_RUN}"
RUNS_PATH = f"/imports/{SEED_IMPORT_GUID}/runs"


async def test_watches_and_a_subscription_share_one_read_per_poll(database_url: str) -> None:
    """Two watched runs and a subscription of one import: at most one runs-list request per
    poll, no run's own GET; each watched card is updated once, the subscription posts no copy."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        add_run(world.sim, NEW_RUN, finishes_after=100)  # #17
        add_run(world.sim, NEWER_RUN, finishes_after=200)  # #18
        await world.watch(NEW_RUN)
        await world.watch(NEWER_RUN)
        per_poll = []
        end = world.now() + 900
        while world.now() < end:
            before = world.requests(RUNS_ROUTE)
            await world.tick()
            per_poll.append(world.requests(RUNS_ROUTE) - before)
        assert max(per_poll) == 1
        assert world.requests(RUN_ROUTE) == 0
        updated = [u.text for u in world.slack.calls_to("chat.update")]
        assert [("#17" in t, "#18" in t) for t in updated] == [(True, False), (False, True)]
        assert numbers(world.posts()) == [16]


async def test_a_list_entry_cut_short_gets_one_fresh_read_for_the_card(database_url: str) -> None:
    """Warnings cut short in the list: the run's own GET, once, for the card."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=50, **CUT_SHORT)
        await world.watch(NEW_RUN)
        await world.run_for(600)
        assert world.requests(RUN_ROUTE) == 1
        [update] = world.slack.calls_to("chat.update")
        assert "Column 'X' ignored." in str(update.body["blocks"])


async def test_a_failing_watch_waits_alone(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """One watched run whose own GET fails (500, then an unreadable body): the other watched
    run and another import's subscription are announced on time; the failing run is asked once
    per backoff step (30 s, doubling), one log line each; healed, it is announced once."""
    async with poll_world(database_url) as world:
        await subscribe(world.deps, Asker(USER, OTHER), Subscribe(BOM_IMPORT_GUID, "all"))
        add_run(world.sim, NEW_RUN, finishes_after=40, **CUT_SHORT)
        add_run(world.sim, NEWER_RUN, finishes_after=70)
        add_run(world.sim, "N6WRUNQ8ZT4KD6RX2MBA", finishes_after=70, import_guid=BOM_IMPORT_GUID)
        await world.watch(NEW_RUN)
        await world.watch(NEWER_RUN)
        world.sim.fail_path(RUN_PATH, 500)
        asked: list[float] = []
        on_time = False
        start = world.now()
        with caplog.at_level(logging.WARNING, logger="bot.watch"):
            while (at := world.now() - start) < 2400:
                if at >= 1200:
                    world.sim.fail_path(RUN_PATH, "unreadable")
                before = world.requests(RUN_ROUTE)
                await world.tick()
                if world.requests(RUN_ROUTE) > before:
                    asked.append(at)
                if at >= 110 and not on_time:  # BOM's reads: 30, 60, then 45 s later
                    [update] = world.slack.calls_to("chat.update")
                    assert "run #18" in update.text
                    assert numbers([p for p in world.posts() if p.body["channel"] == OTHER]) == [3]
                    on_time = True
        assert on_time
        steps = [r for r in caplog.records if f"run {NEW_RUN}" in r.getMessage()]
        assert len(steps) == world.requests(RUN_ROUTE) == len(asked)
        assert gaps(asked)[1:6] == pytest.approx([30, 60, 120, 240, 480])
        said = (await status(world.deps)).text
        assert f"run {NEW_RUN} of *Item Master load*: Arena sent an import run" in said

        world.sim.fail_path(RUN_PATH, None)
        await world.run_for(1200)
        assert [("#17" in u.text) for u in world.slack.calls_to("chat.update")] == [False, True]


async def test_a_failing_import_waits_alone_and_status_names_it(database_url: str) -> None:
    """An import whose runs list answers 500: another import's subscription goes on; `status`
    shows the failing import's last error and how many in a row."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        await subscribe(world.deps, Asker(USER, OTHER), Subscribe(BOM_IMPORT_GUID, "all"))
        world.sim.fail_path(RUNS_PATH, 500)
        add_run(world.sim, NEW_RUN, finishes_after=70, import_guid=BOM_IMPORT_GUID)
        await world.run_for(130)
        assert numbers([p for p in world.posts() if p.body["channel"] == OTHER]) == [3]
        said = (await status(world.deps)).text
        assert "*Item Master load*: Arena answered HTTP 500 (3 in a row" in said

        world.sim.fail_path(RUNS_PATH, None)
        await world.run_for(600)
        assert numbers([p for p in world.posts() if p.body["channel"] == CHANNEL]) == [16]
        said = (await status(world.deps)).text
        assert "*Item Master load*: Arena answered HTTP 500 (working again" in said


@pytest.mark.parametrize(
    ("break_it", "said", "listed"),
    [
        ("deleted", "Arena has no such import or run", "Arena no longer has this import"),
        (
            "forbidden",
            "not allowed to see this",
            "the bot's Arena user may no longer see this import",
        ),
    ],
)
async def test_an_import_arena_no_longer_shows_ends_its_watches_and_subscriptions(
    database_url: str, break_it: str, said: str, listed: str
) -> None:
    """3012 (deleted) or 403 on the runs list: a note in the subscribed channel and under the
    watched card, the subscription listed as stopped with why, and no more requests."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        add_run(world.sim, NEW_RUN, finishes_after=3600)
        watch = await world.watch(NEW_RUN)
        await world.run_for(60)
        if break_it == "deleted":
            world.sim.remove_import(SEED_IMPORT_GUID)
        else:
            world.sim.fail_path(RUNS_PATH, 403)
        await world.run_for(60)
        ended = [p for p in world.posts() if "has ended" in p.text]
        [(sub_note, watch_note)] = [sorted(ended, key=lambda p: "thread_ts" in p.body)]
        assert said in sub_note.text
        assert f"subscription to import `{SEED_IMPORT_GUID}` has ended" in sub_note.text
        assert watch_note.body["thread_ts"] == watch.message_ts
        assert f"<@{USER}>" in watch_note.text
        assert "the watch has ended" in watch_note.text
        assert f"*stopped*: {listed}" in (await list_here(world.deps, Asker(USER, CHANNEL))).text
        asked = world.sim.stats.requests
        await world.run_for(3600)
        assert world.sim.stats.requests == asked
        assert await world.store.pending_watches() == []


async def test_a_status_arena_does_not_document_is_final(database_url: str) -> None:
    """CANCELLED: the watch ends; the card and the reply show the status as Arena gave it."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=60, status="CANCELLED")
        await world.watch(NEW_RUN)
        await world.run_for(120)
        [update] = world.slack.calls_to("chat.update")
        assert "CANCELLED" in str(update.body["blocks"])
        [reply] = world.posts()
        assert reply.text.endswith("import run #17 ended: CANCELLED.")
        asked = world.sim.stats.requests
        await world.run_for(3600)
        assert world.sim.stats.requests == asked
