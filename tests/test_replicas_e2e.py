"""Two `serve` processes on one PostgreSQL and one Arena: one polls, both answer; the leader is
killed and the other takes over; every run is announced once per channel; one Arena session."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from bot_world import everything, running_world
from helpers_postgres import PostgresServer
from helpers_watch import add_running_run, command, posts

from bot.demo.seed import SEED_IMPORT_GUID
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackCall, SlackStub
from support import SIGNING_SECRET, BotProcess, bot_env, free_port

WATCHED = "C0WATCHERS"
SUBSCRIBED = "C0SUBSCRIB"
RUNS = [f"REPLICARUN{i:010d}" for i in range(10)]
LEASE_SECONDS = 3.0
POLL_SECONDS = 0.5


async def role(http: httpx.AsyncClient, bot: BotProcess) -> str:
    """What the replica's /healthz says it is."""
    answer = await http.get(f"{bot.base}/healthz")
    assert answer.status_code == 200
    return str(answer.json()["role"])


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    """Wait until `check()` is true."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 (another process's state)
            await asyncio.sleep(0.05)


async def test_the_follower_takes_over_and_every_run_is_announced_once_per_channel(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    """10 watches and a subscription made through either replica; SIGKILL the leader; the
    runs finish; the follower announces each once per channel within LEASE_SECONDS and a poll
    interval; Arena saw at most 3 logins in all."""
    database = postgres.fresh_url()
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    bots = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        env = bot_env(
            arena_url=arena.url,
            slack_url=slack.url,
            port=free_port(),
            workdir=tmp_path / name,
            DATABASE_URL=database,
            LEASE_SECONDS=str(LEASE_SECONDS),
            POLL_INTERVAL_SECONDS=str(POLL_SECONDS),
        )
        bots.append(BotProcess(env, tmp_path / name))
    leader, follower = bots
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            await leader.start()
            await until(lambda: _is(http, leader, "leader"))
            await follower.start()
            await asyncio.sleep(LEASE_SECONDS / 2)
            assert await role(http, follower) == "follower"

            replicas = [
                SlackEvents(http, f"{bot.base}/slack/events", SIGNING_SECRET) for bot in bots
            ]
            for number, guid in enumerate(RUNS):
                add_running_run(arena, guid, finishes_after=600.0)
                key = f"w{number}"
                await replicas[number % 2].slash_command(
                    f"watch {SEED_IMPORT_GUID} {guid}",
                    response_url=slack.response_url(key),
                    channel=WATCHED,
                )
                assert "Watching run" in (await slack.response(key)).text
            await replicas[1].slash_command(
                f"subscribe {SEED_IMPORT_GUID} all",
                response_url=slack.response_url("sub"),
                channel=SUBSCRIBED,
            )
            assert "will now hear about every run" in (await slack.response("sub")).text
            cards = {c.answer["ts"]: c for c in posts(slack, WATCHED)}
            assert len(cards) == len(RUNS)

            assert await leader.stop(signal.SIGKILL) == -signal.SIGKILL
            killed = time.monotonic()
            arena.advance(600)  # every watched run has finished

            updates = await slack.wait_for("chat.update", len(RUNS), timeout=30)
            took_over = updates[0].at - killed
            assert await role(http, follower) == "leader"
            await slack.wait_until(
                lambda: (
                    len(_replies(slack)) >= len(RUNS)
                    and all(_mentions(slack, guid) for guid in RUNS)
                ),
                timeout=30,
            )
            await asyncio.sleep(3 * POLL_SECONDS)  # nothing more is said

        updated = Counter(c.body["ts"] for c in slack.calls_to("chat.update"))
        assert set(updated) == set(cards)
        assert set(updated.values()) == {1}
        replies = Counter(c.body["thread_ts"] for c in _replies(slack))
        assert set(replies) == set(cards)
        assert set(replies.values()) == {1}
        assert [_mentions(slack, guid) for guid in RUNS] == [1] * len(RUNS)
        assert took_over <= LEASE_SECONDS + POLL_SECONDS + 1.0, took_over
        assert arena.stats.logins <= 3
        print(
            f"\nfollower took over {took_over:.2f} s after SIGKILL; {arena.stats.logins} login(s)"
        )
        assert await follower.stop() == 0
        assert "Traceback" not in follower.output()
    finally:
        for bot in bots:
            if bot.proc is not None and bot.proc.returncode is None:
                await bot.stop(signal.SIGKILL)
        await slack.stop()
        await arena.stop()


async def _is(http: httpx.AsyncClient, bot: BotProcess, wanted: str) -> bool:
    return await role(http, bot) == wanted


def _replies(slack: SlackStub) -> list[SlackCall]:
    return [c for c in posts(slack, WATCHED) if c.body.get("thread_ts")]


def _mentions(slack: SlackStub, guid: str) -> int:
    """How many subscription cards name this run in the subscribed channel."""
    return sum(guid in everything(c.body) for c in posts(slack, SUBSCRIBED))


async def test_status_on_a_follower_says_another_replica_polls(tmp_path: Path) -> None:
    """Two replicas on one SQLite file: `/importrun status` on the one that only answers says
    that the other polls and when it last did, not "last poll not yet"."""
    async with running_world(tmp_path) as world:
        await command(world, "subscribe master", "subscribe")
        env = dict(world.bot.env, PORT=str(free_port()))
        (tmp_path / "follower").mkdir()
        follower = BotProcess(env, tmp_path / "follower")
        await follower.start()
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                assert await role(http, follower) == "follower"
                events = SlackEvents(http, f"{follower.base}/slack/events", SIGNING_SECRET)
                await events.slash_command("status", response_url=world.slack.response_url("f"))
            said = (await world.slack.response("f")).text
            assert "Polling: by another process of the bot, which holds the poller's lease" in said
            assert "last poll not yet" not in said
            assert "lapses); last poll <!date^" in said
            assert "Pending: 0 watched runs, 1 subscription." in said

            leader = await command(world, "status", "l")
            assert "Polling: normal; last poll <!date^" in leader["text"]
        finally:
            assert await follower.stop() == 0
