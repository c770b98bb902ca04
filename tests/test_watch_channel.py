"""One announcement per run and channel: a watch and a subscription, or two people watching."""

from __future__ import annotations

from bot_world import everything
from helpers_poller import CHANNEL, NEW_RUN, USER, add_run, numbers, poll_world

from bot.answer.commands import Subscribe
from bot.answer.notify import list_here, subscribe, watch
from bot.demo.seed import SEED_IMPORT_GUID
from bot.runs.messages import Asker

OTHER = "C0ELSEWHER"
SECOND = "U0SECOND01"


async def test_a_watched_run_in_a_subscribed_channel_is_announced_once(database_url: str) -> None:
    """The watched card is the run's announcement there (the subscription hurries it, posts no
    card); another subscribed channel gets its card."""
    async with poll_world(database_url) as world:
        await world.subscribe("all")
        await subscribe(world.deps, Asker(USER, OTHER), Subscribe(SEED_IMPORT_GUID, "all"))
        add_run(world.sim, NEW_RUN, finishes_after=50)  # #17
        await world.watch(NEW_RUN)
        await world.run_for(70)  # the watch's own next poll would be at 75 s
        [update] = world.slack.calls_to("chat.update")
        assert "Item Master load · run #17" in update.text

        await world.run_for(3600)
        here = [c for c in world.posts() if c.body["channel"] == CHANNEL]
        there = [c for c in world.posts() if c.body["channel"] == OTHER]
        assert numbers(here) == [16]
        assert [c.body.get("thread_ts") for c in here].count(update.body["ts"]) == 1
        assert numbers(there) == [16, 17]
        assert len(world.slack.calls_to("chat.update")) == 1


async def test_a_second_watch_of_a_run_adds_a_mention_not_a_card(database_url: str) -> None:
    """Two people watch the same run in a channel: one card, updated once; both mentioned once."""
    async with poll_world(database_url) as world:
        add_run(world.sim, NEW_RUN, finishes_after=100)
        first = await watch(world.deps, Asker(USER, CHANNEL), SEED_IMPORT_GUID, NEW_RUN)
        assert "Watching run #17" in first.text
        second = await watch(world.deps, Asker(SECOND, CHANNEL), SEED_IMPORT_GUID, NEW_RUN)
        assert "already watched in this channel" in second.text
        await watch(world.deps, Asker(SECOND, CHANNEL), SEED_IMPORT_GUID, NEW_RUN)
        [card] = world.posts()
        assert "Watching" in everything(card.body)
        listed = (await list_here(world.deps, Asker(USER, CHANNEL))).text
        assert f"for <@{USER}> <@{SECOND}>" in listed

        await world.run_for(600)
        [update] = world.slack.calls_to("chat.update")
        assert update.body["ts"] == card.answer["ts"]
        assert f"watched by <@{USER}> <@{SECOND}>" in everything(update.body)
        _, reply = world.posts()
        assert reply.body["thread_ts"] == card.answer["ts"]
        assert reply.text.count(f"<@{USER}>") == reply.text.count(f"<@{SECOND}>") == 1


async def test_a_read_for_a_subscription_elsewhere_hurries_the_watch(database_url: str) -> None:
    """The runs list read for another channel shows the watched run finished: the watch is
    announced then, not at its own next poll."""
    async with poll_world(database_url) as world:
        await subscribe(world.deps, Asker(USER, OTHER), Subscribe(SEED_IMPORT_GUID, "all"))
        add_run(world.sim, NEW_RUN, finishes_after=50)
        watch = await world.watch(NEW_RUN)
        await world.run_for(70)  # reads at 30 and 60 s; the watch's polls at 30 and 75 s
        [update] = world.slack.calls_to("chat.update")
        assert update.body["ts"] == watch.message_ts
        assert numbers([c for c in world.posts() if c.body["channel"] == OTHER]) == [16, 17]
