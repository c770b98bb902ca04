"""Answers to `watch` and the Watch button against one running `serve` (Arena simulator, Slack
stub, SQLite); each test in a channel of its own."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from bot_world import World, buttons, everything, running_world
from helpers_watch import add_running_run, command, posts

from bot import ids
from bot.demo.seed import CLEAN_RUN_GUID, SEED_IMPORT_GUID
from bot.watch.store import open_store

pytestmark = pytest.mark.asyncio(loop_scope="module")

PRESSED_RUN = "N7WRUNQ8ZT4KD6RX2MBA"
REFUSED_RUN = "N8WRUNQ8ZT4KD6RX2MBA"
CONTAINED_RUN = "N9WRUNQ8ZT4KD6RX2MBA"
OLD_RUN = "N6WRUNQ8ZT4KD6RX2MBA"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module."""
    async with running_world(tmp_path_factory.mktemp("watch")) as running:
        yield running


async def test_the_watch_button_of_a_private_card_watches_in_the_channel(world: World) -> None:
    """Watch on a running run's private card: the card goes public, the presser is told."""
    channel = "C0PRESSED1"
    add_running_run(world.arena, PRESSED_RUN, finishes_after=600.0, number=41)
    private = await command(world, f"{SEED_IMPORT_GUID} {PRESSED_RUN}", "card", channel=channel)
    button = buttons(private)[ids.ACTION_WATCH]
    response = await world.events.block_action(
        {"action_id": ids.ACTION_WATCH, "value": button["value"], "block_id": "b1"},
        response_url=world.slack.response_url("pressed"),
        channel=channel,
        container={"type": "message", "channel_id": channel, "is_ephemeral": True},
    )
    assert (response.status_code, response.text) == (200, "")
    told = await world.slack.response("pressed")
    assert "Watching run" in told.text
    assert told.body.get("replace_original") is False
    [card] = posts(world.slack, channel)
    assert "Watching" in everything(card.body)
    assert ids.ACTION_WATCH not in buttons(card.body)
    listed = await command(world, "list", "pressed-list", channel=channel)
    assert "• watching run #41 of " in listed["text"]
    assert PRESSED_RUN not in listed["text"]


async def test_a_watch_from_before_run_numbers_is_listed_by_its_guid(tmp_path: Path) -> None:
    """A database from the build before watches kept their run's number is upgraded at start:
    its watch is still listed, by the run's GUID (all it knows), and a new one by number."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    store = await open_store(url)
    await store.add_watch(
        channel="C0UPGRADED",
        import_guid=SEED_IMPORT_GUID,
        run_guid=OLD_RUN,
        message_ts="1.000001",
        user_id="U0OLDWATCH",
        now=time.time(),
        interval=3600.0,
    )
    await store.close()
    old = sqlite3.connect(tmp_path / "bot.db")
    with old:  # as schema version 2 left it
        old.execute("DROP TABLE run_numbers")
        old.execute("DELETE FROM schema_version WHERE version > 2")
    old.close()
    async with running_world(tmp_path) as world:
        add_running_run(world.arena, OLD_RUN, finishes_after=600.0, number=42)
        add_running_run(world.arena, REFUSED_RUN, finishes_after=600.0, number=43)
        watched = await command(
            world, f"watch {SEED_IMPORT_GUID} {REFUSED_RUN}", "new", channel="C0UPGRADED"
        )
        assert "Watching run #43" in watched["text"]
        listed = (await command(world, "list", "upgraded", channel="C0UPGRADED"))["text"]
    assert f"• watching run `{OLD_RUN}` of " in listed
    assert "<@U0OLDWATCH>" in listed
    assert "• watching run #43 of " in listed


async def test_the_watch_button_finds_its_channel_in_the_message_container(world: World) -> None:
    """A button payload naming its channel only in the message container watches there."""
    channel = "C0CONTAIN1"
    add_running_run(world.arena, CONTAINED_RUN, finishes_after=600.0)
    private = await command(world, f"{SEED_IMPORT_GUID} {CONTAINED_RUN}", "kept", channel=channel)
    button = buttons(private)[ids.ACTION_WATCH]
    action = {"type": "button", "action_id": ids.ACTION_WATCH, "value": button["value"]}
    response = await world.events.interaction(
        {
            "type": "block_actions",
            "actions": [{**action, "block_id": "b1", "action_ts": "1.0"}],
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
            "response_url": world.slack.response_url("contained"),
        }
    )
    assert (response.status_code, response.text) == (200, "")
    assert "Watching run" in (await world.slack.response("contained")).text
    [card] = posts(world.slack, channel)
    assert "Watching" in everything(card.body)


async def test_a_finished_run_gets_its_card_and_no_watch(world: World) -> None:
    """Watching a run that already finished shows its card privately and posts nothing."""
    channel = "C0FINISHED"
    reply = await command(
        world, f"watch {SEED_IMPORT_GUID} {CLEAN_RUN_GUID}", "done", channel=channel
    )
    assert "already finished" in everything(reply)
    assert "Watching" not in everything(reply)
    assert posts(world.slack, channel) == []
    listed = await command(world, "list", "done-list", channel=channel)
    assert "Nothing is watched here" in listed["text"]


async def test_watch_where_the_bot_may_not_post(world: World) -> None:
    """Slack refusing the channel gets one sentence on how to fix it; no watch is kept."""
    channel = "C0REFUSED1"
    add_running_run(world.arena, REFUSED_RUN, finishes_after=600.0)
    world.slack.fail("chat.postMessage", "not_in_channel")
    reply = await command(
        world, f"watch {SEED_IMPORT_GUID} {REFUSED_RUN}", "refused", channel=channel
    )
    assert "/invite @importrun" in reply["text"]
    listed = await command(world, "list", "refused-list", channel=channel)
    assert "Nothing is watched here" in listed["text"]


async def test_subscribe_where_the_bot_may_not_post(world: World) -> None:
    """`subscribe` first posts its notice in the channel: refused, the person gets the /invite
    hint and no subscription is kept (not "This channel will now hear about…")."""
    channel = "C0REFUSED2"
    world.slack.fail("chat.postMessage", "not_in_channel", channel=channel)
    reply = await command(
        world, f"subscribe {SEED_IMPORT_GUID} all", "sub-refused", channel=channel
    )
    assert "/invite @importrun" in reply["text"]
    assert "will now hear" not in reply["text"]
    listed = await command(world, "list", "sub-refused-list", channel=channel)
    assert "this channel has no subscriptions" in listed["text"]


async def test_subscribe_tells_the_channel(world: World) -> None:
    """Subscribed: the channel sees who subscribed it to what, and how to stop."""
    channel = "C0NOTICE01"
    reply = await command(
        world, f"subscribe {SEED_IMPORT_GUID} failures", "sub-ok", channel=channel
    )
    assert "will now hear about every failed run" in reply["text"]
    [notice] = posts(world.slack, channel)
    assert f"<@{world.events.user}> subscribed this channel to every failed run" in notice.text
    assert f"/importrun unsubscribe {SEED_IMPORT_GUID}" in notice.text
