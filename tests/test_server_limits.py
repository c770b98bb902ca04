"""Slow and many clients against a running `serve`: dropped in time, capped, logged briefly."""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from bot_world import World, running_world

from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_stub import SlackStub
from support import BotProcess, bot_env, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAP = 10


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """A `serve` that waits 1 s for a request and holds at most 10 connections."""
    async with running_world(
        tmp_path_factory.mktemp("limits"),
        SERVER_READ_TIMEOUT_SECONDS="1",
        SERVER_MAX_CONNECTIONS=str(CAP),
    ) as started:
        yield started


async def connect(world: World) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A raw TCP connection to the bot."""
    port = int(world.bot.base.rsplit(":", 1)[1])
    return await asyncio.open_connection("127.0.0.1", port)


async def closed_by_bot(reader: asyncio.StreamReader, within: float = 15.0) -> bytes:
    """Everything the bot sent until it closed the connection (TimeoutError if it never does)."""
    return await asyncio.wait_for(reader.read(), timeout=within)


async def all_closed_by_bot(opened: list[Any], within: float = 20.0) -> None:
    """Wait until the bot closed every connection that opened (TimeoutError otherwise)."""
    streams = [conn for conn in opened if isinstance(conn, tuple)]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.read() for r, _ in streams)), timeout=within)
    finally:
        for _, writer in streams:
            writer.close()


async def healthy(world: World) -> bool:
    """Whether /healthz answers now."""
    async with httpx.AsyncClient(timeout=5) as http:
        try:
            return (await http.get(f"{world.bot.base}/healthz")).status_code == 200
        except httpx.TransportError:
            return False


async def test_half_sent_headers_are_dropped(world: World) -> None:
    """Item 4: a client that stops in the middle of its headers is disconnected."""
    reader, writer = await connect(world)
    writer.write(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Slack-Sig")
    await writer.drain()
    assert await closed_by_bot(reader) == b""
    writer.close()
    assert "did not arrive within 1 s" in world.bot.output()


async def test_a_body_that_stalls_is_dropped(world: World) -> None:
    """Item 4: headers sent, then only part of the body: 408 and the connection closed."""
    reader, writer = await connect(world)
    stamp = str(int(time.time()))
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 1000\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"X-Slack-Request-Timestamp: " + stamp.encode() + b"\r\n"
        b"X-Slack-Signature: v0=" + b"a" * 64 + b"\r\n\r\ncommand=%2F"
    )
    await writer.drain()
    answer = await closed_by_bot(reader)
    assert answer.startswith(b"HTTP/1.1 408")
    writer.close()


async def test_past_the_cap_new_connections_are_closed_and_service_returns(world: World) -> None:
    """Item 4: 10 idle connections fill the cap; the 11th is closed; then all recovers."""
    held = [await connect(world) for _ in range(CAP)]
    reader, writer = await connect(world)
    assert await closed_by_bot(reader) == b""
    writer.close()
    assert "the most allowed (SERVER_MAX_CONNECTIONS)" in world.bot.output()
    for idle_reader, idle_writer in held:
        assert await closed_by_bot(idle_reader) == b""  # dropped after the read timeout
        idle_writer.close()
    assert await healthy(world)


async def test_a_connection_flood_logs_a_few_lines(world: World) -> None:
    """Items 4 and 5: 300 connections at once: at most 21 lines about them, then service."""
    before = len(world.bot.output())
    flood = await asyncio.gather(*(connect(world) for _ in range(300)), return_exceptions=True)
    await all_closed_by_bot(flood)
    added = world.bot.output()[before:]
    assert added.count("\n") <= 2 * 21
    assert await healthy(world)


def _few_files() -> None:
    """The bot's open-file limit: 328, soft and hard, so it cannot raise it."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (328, 328))


async def test_at_the_open_file_limit_no_log_storm(tmp_path: Path) -> None:
    """Item 4: with 328 files allowed, 600 connections: no 'Too many open files' storm."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    env = bot_env(arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=tmp_path)
    env["SERVER_READ_TIMEOUT_SECONDS"] = "2"
    bot = BotProcess(env, tmp_path, preexec=_few_files)
    try:
        await bot.start()
        port = int(bot.base.rsplit(":", 1)[1])
        opened = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(600)),
            return_exceptions=True,
        )
        await all_closed_by_bot(opened)
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(f"{bot.base}/healthz")).status_code == 200
        assert await bot.stop() == 0
        log = bot.output()
        assert "at most 100 connections at once (not 1000)" in log.lower()
        assert log.count("Too many open files") <= 1
        assert log.count("\n") < 100
    finally:
        if bot.proc and bot.proc.returncode is None:
            await bot.stop()
        await slack.stop()
        await arena.stop()


async def test_a_bad_log_level_is_one_sentence(tmp_path: Path) -> None:
    """Item 9: LOG_LEVEL=verbose stops `serve` at once with exit 2 and one sentence."""
    env = bot_env(
        arena_url="http://127.0.0.1:9/v1",
        slack_url="http://127.0.0.1:9/api/",
        port=free_port(),
        workdir=tmp_path,
        LOG_LEVEL="verbose",
    )
    bot = BotProcess(env, tmp_path)
    with pytest.raises(RuntimeError, match="serve exited 2"):
        await bot.start(timeout=5)
    out = bot.output()
    assert "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'verbose')" in out
    assert "Traceback" not in out
    assert out.count("\n") == 1


async def test_garbage_instead_of_http_is_400_without_a_traceback(world: World) -> None:
    """Item 4: bytes that are not HTTP get a 400 and a closed connection, no stack trace."""
    reader, writer = await connect(world)
    writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")
    await writer.drain()
    answer = await closed_by_bot(reader)
    assert answer.split(b"\r\n", 1)[0].endswith(b" 400 Bad Request")
    writer.close()
    assert "Traceback" not in world.bot.output()
