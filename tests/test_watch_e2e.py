"""Watches and subscriptions end to end: `serve`, the Arena simulator, the Slack stub, SQLite."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import httpx
from bot_world import CHANNEL, World, assert_valid_message, buttons, everything, running_world

from bot import ids
from bot.demo.seed import CLEAN_RUN_GUID, SEED_IMPORT_GUID
from bot.demo.simulator import ArenaSimulator, RunTimeline
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackCall, SlackStub
from support import SIGNING_SECRET, BotProcess, bot_env, free_port

NEW_RUN = "N3WRUNQ8ZT4KD6RX2MBA"
NEWER_RUN = "N4WRUNQ8ZT4KD6RX2MBA"


def add_running_run(
    arena: ArenaSimulator, guid: str, *, finishes_after: float, **fields: Any
) -> None:
    """A run of the seed import, RUNNING now and finished `finishes_after` seconds later."""
    run = {
        "guid": guid,
        "status": "COMPLETE",
        "commit": True,
        "totalCount": 2_000,
        "successCount": 2_000,
        "errorCount": 0,
        "creator": {"fullName": "Night Job", "email": "ci@example.com"},
        "submitFileType": "CSV",
        **fields,
    }
    arena.add_run(
        SEED_IMPORT_GUID,
        run,
        timeline=RunTimeline(running_after=0.0, finished_after=finishes_after),
    )


async def command(world: World, text: str, key: str) -> dict[str, Any]:
    """Type `/importrun text` in the channel; the private reply's body."""
    response = await world.events.slash_command(text, response_url=world.slack.response_url(key))
    assert response.status_code == 200
    return (await world.slack.response(key)).body


def posts(slack: SlackStub) -> list[SlackCall]:
    """Successful chat.postMessage calls."""
    return [c for c in slack.calls_to("chat.postMessage") if c.answer.get("ok")]


async def test_watch_updates_the_card_in_place_and_replies_in_its_thread(tmp_path: Path) -> None:
    """A watched running run: card posted now, updated once when it finishes, one thread reply."""
    async with running_world(tmp_path) as world:
        add_running_run(world.arena, NEW_RUN, finishes_after=2.0, errorCount=3, successCount=1_997)
        reply = await command(world, f"watch {SEED_IMPORT_GUID} {NEW_RUN}", "watch")
        assert "Watching run" in reply["text"]
        [card] = posts(world.slack)
        assert card.body["channel"] == CHANNEL
        assert "Watching" in everything(card.body)
        assert "RUNNING" in everything(card.body)
        ts = card.answer["ts"]

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

        await asyncio.sleep(1.5)  # the bot keeps polling; nothing more is said
        assert len(world.slack.calls_to("chat.update")) == 1
        assert len(posts(world.slack)) == 2


async def test_the_watch_button_of_a_private_card_watches_in_the_channel(tmp_path: Path) -> None:
    """Watch on a running run's private card: the card goes public, the presser is told."""
    async with running_world(tmp_path) as world:
        add_running_run(world.arena, NEW_RUN, finishes_after=120.0)
        private = await command(world, f"{SEED_IMPORT_GUID} {NEW_RUN}", "card")
        button = buttons(private)[ids.ACTION_WATCH]
        response = await world.events.block_action(
            {"action_id": ids.ACTION_WATCH, "value": button["value"], "block_id": "b1"},
            response_url=world.slack.response_url("pressed"),
            container={"type": "message", "channel_id": CHANNEL, "is_ephemeral": True},
        )
        assert (response.status_code, response.text) == (200, "")
        told = await world.slack.response("pressed")
        assert "Watching run" in told.text
        assert told.body.get("replace_original") is False
        [card] = posts(world.slack)
        assert card.body["channel"] == CHANNEL
        assert "Watching" in everything(card.body)
        assert ids.ACTION_WATCH not in buttons(card.body)
        listed = await command(world, "list", "list")
        assert f"watching run `{NEW_RUN}`" in listed["text"]


async def test_a_finished_run_gets_its_card_and_no_watch(tmp_path: Path) -> None:
    """Watching a run that already finished shows its card privately and posts nothing."""
    async with running_world(tmp_path) as world:
        reply = await command(world, f"watch {SEED_IMPORT_GUID} {CLEAN_RUN_GUID}", "done")
        assert "already finished" in everything(reply)
        assert "Watching" not in everything(reply)
        assert posts(world.slack) == []
        listed = await command(world, "list", "list")
        assert "Nothing is watched here" in listed["text"]


async def test_watch_where_the_bot_may_not_post(tmp_path: Path) -> None:
    """Slack refusing the channel gets one sentence on how to fix it; no watch is kept."""
    async with running_world(tmp_path) as world:
        add_running_run(world.arena, NEW_RUN, finishes_after=60.0)
        world.slack.fail("chat.postMessage", "not_in_channel")
        reply = await command(world, f"watch {SEED_IMPORT_GUID} {NEW_RUN}", "refused")
        assert "/invite @importrun" in reply["text"]
        listed = await command(world, "list", "list")
        assert "Nothing is watched here" in listed["text"]


async def test_watch_survives_sigkill_and_is_announced_once(tmp_path: Path) -> None:
    """Killed (SIGKILL) while a watch is pending, restarted on the same database: one update."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    env = bot_env(arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=tmp_path)
    first, second = BotProcess(env, tmp_path), BotProcess(env, tmp_path)
    try:
        await first.start()
        add_running_run(arena, NEW_RUN, finishes_after=4.0)
        async with httpx.AsyncClient(timeout=10) as http:
            events = SlackEvents(http, f"{first.base}/slack/events", SIGNING_SECRET)
            await events.slash_command(
                f"watch {SEED_IMPORT_GUID} {NEW_RUN}", response_url=slack.response_url("w")
            )
            assert "Watching run" in (await slack.response("w")).text
        assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
        assert slack.calls_to("chat.update") == []

        await asyncio.sleep(4.0)  # the run finishes while no bot is running
        await second.start()
        [update] = await slack.wait_for("chat.update", 1, timeout=15)
        await slack.wait_until(lambda: len(posts(slack)) >= 2, timeout=10)
        assert update.body["ts"] == posts(slack)[0].answer["ts"]
        await asyncio.sleep(1.5)
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
        await world.slack.wait_until(lambda: len(posts(world.slack)) >= 2, timeout=15)
        await asyncio.sleep(1.5)
        announced = posts(world.slack)
        assert len(announced) == 2
        shown = [everything(c.body) for c in announced]
        assert any(NEW_RUN in s for s in shown)
        assert any(NEWER_RUN in s and "1,995" in s for s in shown)
        assert all(c.body["channel"] == CHANNEL for c in announced)

        listed = await command(world, "list", "list")
        assert f"subscribed to import `{SEED_IMPORT_GUID}` (all)" in listed["text"]
        status = await command(world, "status", "status")
        assert "Arena: reachable" in status["text"]
        assert "Requests left today" in status["text"]
        assert "1 subscription." in status["text"]
        gone = await command(world, f"unsubscribe {SEED_IMPORT_GUID}", "unsub")
        assert "no longer hear" in gone["text"]
