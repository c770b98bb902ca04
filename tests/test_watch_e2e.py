"""Watches and subscriptions end to end: `serve`, the Arena simulator, the Slack stub, SQLite."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
from bot_world import CHANNEL, assert_valid_message, everything, running_world
from helpers_watch import NEW_RUN, NEWER_RUN, add_running_run, command, posts

from bot.demo.seed import BOM_IMPORT_GUID, SEED_IMPORT_GUID
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackStub
from support import SIGNING_SECRET, BotProcess, bot_env, free_port


async def test_watch_updates_the_card_in_place_and_replies_in_its_thread(tmp_path: Path) -> None:
    """A watched running run: card posted now, updated once when it finishes, one thread reply."""
    async with running_world(tmp_path) as world:
        add_running_run(
            world.arena, NEW_RUN, finishes_after=600.0, errorCount=3, successCount=1_997
        )
        reply = await command(world, f"watch {SEED_IMPORT_GUID} {NEW_RUN}", "watch")
        assert "Watching run" in reply["text"]
        [card] = posts(world.slack)
        assert card.body["channel"] == CHANNEL
        assert "Watching" in everything(card.body)
        assert "RUNNING" in everything(card.body)
        ts = card.answer["ts"]

        world.arena.advance(600)  # Arena's clock: the run has finished
        [update] = await world.slack.wait_for("chat.update", 1, timeout=15)
        await world.slack.wait_until(lambda: len(posts(world.slack)) >= 2, timeout=10)
        assert (update.body["channel"], update.body["ts"]) == (CHANNEL, ts)
        assert "COMPLETE" in everything(update.body)
        assert "1,997" in everything(update.body)
        assert_valid_message(update.body)
        thread_reply = posts(world.slack)[1]
        assert thread_reply.body["thread_ts"] == ts
        assert f"<@{world.events.user}>" in thread_reply.text
        assert "3 failed" in thread_reply.text

        await asyncio.sleep(1.0)  # the bot keeps polling; nothing more is said
        assert len(world.slack.calls_to("chat.update")) == 1
        assert len(posts(world.slack)) == 2


async def test_watch_survives_sigkill_and_is_announced_once(tmp_path: Path) -> None:
    """Killed (SIGKILL) while a watch is pending, restarted on the same database: one update."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    env = bot_env(arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=tmp_path)
    first, second = BotProcess(env, tmp_path), BotProcess(env, tmp_path)
    try:
        await first.start()
        add_running_run(arena, NEW_RUN, finishes_after=600.0)
        async with httpx.AsyncClient(timeout=10) as http:
            events = SlackEvents(http, f"{first.base}/slack/events", SIGNING_SECRET)
            await events.slash_command(
                f"watch {SEED_IMPORT_GUID} {NEW_RUN}", response_url=slack.response_url("w")
            )
            assert "Watching run" in (await slack.response("w")).text
        assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
        assert slack.calls_to("chat.update") == []

        arena.advance(600)  # the run finishes while no bot is running
        await second.start()
        [update] = await slack.wait_for("chat.update", 1, timeout=15)
        await slack.wait_until(lambda: len(posts(slack)) >= 2, timeout=10)
        assert update.body["ts"] == posts(slack)[0].answer["ts"]
        await asyncio.sleep(1.0)
        assert len(slack.calls_to("chat.update")) == 1
        assert len(posts(slack)) == 2
        assert await second.stop() == 0
        assert "Traceback" not in second.output()
    finally:
        for bot in (first, second):
            if bot.proc is not None and bot.proc.returncode is None:
                await bot.stop(signal.SIGKILL)
        await slack.stop()
        await arena.stop()


async def test_subscription_announces_new_finished_runs_once(tmp_path: Path) -> None:
    """Subscribe, list, status: runs finishing afterwards are posted once each, old ones never."""
    async with running_world(tmp_path) as world:
        reply = await command(world, f"subscribe {SEED_IMPORT_GUID} all", "sub")
        assert "Item Master load" in reply["text"]
        add_running_run(world.arena, NEW_RUN, finishes_after=1.0)
        add_running_run(
            world.arena, NEWER_RUN, finishes_after=2.0, errorCount=5, successCount=1_995
        )
        await world.slack.wait_until(lambda: len(posts(world.slack)) >= 3, timeout=15)
        await asyncio.sleep(1.0)
        notice, *announced = posts(world.slack)
        assert "subscribed this channel to every run of *Item Master load*" in notice.text
        assert len(announced) == 2
        shown = [everything(c.body) for c in announced]
        assert any(NEW_RUN in s for s in shown)
        assert any(NEWER_RUN in s and "1,995" in s for s in shown)
        assert all(c.body["channel"] == CHANNEL for c in announced)

        listed = await command(world, "list", "list")
        assert "subscribed to *Item Master load* (all)" in listed["text"]
        status = await command(world, "status", "status")
        assert "Arena: reachable" in status["text"]
        assert "Requests left today" in status["text"]
        assert "1 subscription." in status["text"]
        gone = await command(world, f"unsubscribe {SEED_IMPORT_GUID}", "unsub")
        assert "no longer hear" in gone["text"]


async def test_a_deleted_import_ends_its_subscription_naming_it_to_whom_it_mentions(
    tmp_path: Path,
) -> None:
    """The on-call group a subscription mentions is told, by name, that it will hear no more
    (before: a note naming only the GUID, mentioning nobody)."""
    async with running_world(tmp_path) as world:
        reply = await command(world, 'subscribe "BOM load" failures <!subteam^S0ONCALL1>', "sub")
        assert "mentioning <!subteam^S0ONCALL1>" in reply["text"]
        world.arena.remove_import(BOM_IMPORT_GUID)

        def ended() -> list[str]:
            return [c.text for c in posts(world.slack) if "has ended" in c.text]

        await world.slack.wait_until(lambda: bool(ended()), timeout=15)
        [note] = ended()
        assert note.startswith("<!subteam^S0ONCALL1> Arena has no such import or run")
        assert f"subscription to import *BOM load* (`{BOM_IMPORT_GUID}`) has ended" in note
        listed = await command(world, "list", "list")
        assert "*stopped*: Arena no longer has this import" in listed["text"]


async def test_imports_says_finished_once_a_watch_announced_it(tmp_path: Path) -> None:
    """`imports` keeps each newest run a minute, but not past what the bot has seen since: the
    run a watch has just announced as finished is not listed as RUNNING any more."""
    async with running_world(tmp_path) as world:
        add_running_run(
            world.arena, NEW_RUN, finishes_after=600.0, errorCount=3, successCount=1_997
        )
        before = await command(world, "imports master", "imports-before")
        assert "RUNNING" in everything(before)
        await command(world, f"watch {SEED_IMPORT_GUID} {NEW_RUN}", "watch")

        world.arena.advance(600)  # Arena's clock: the run has finished
        await world.slack.wait_for("chat.update", 1, timeout=15)
        after = await command(world, "imports master", "imports-after")
        assert "RUNNING" not in everything(after)
        assert "COMPLETE · 1,997 of 2,000 rows · 3 failed" in everything(after), everything(after)
