"""`serve` starts, answers, and on SIGTERM finishes what is in flight and logs out of Arena."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx
import pytest
from bot_world import running_world

from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackStub
from support import SIGNING_SECRET, BotProcess, bot_env, free_port


async def test_sigterm_finishes_in_flight_work_and_logs_out(tmp_path: Path) -> None:
    """A card asked for just before SIGTERM still arrives; then the Arena session is closed."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    bot = BotProcess(
        bot_env(arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=tmp_path),
        tmp_path,
    )
    try:
        await bot.start()
        arena.latency = 0.5
        async with httpx.AsyncClient() as http:
            events = SlackEvents(http, f"{bot.base}/slack/events", SIGNING_SECRET)
            acked = await events.slash_command(
                f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", response_url=slack.response_url("late")
            )
        assert acked.status_code == 200
        await asyncio.sleep(0.1)  # the listener is now waiting on Arena
        assert await bot.stop() == 0, bot.output()
        reply = await slack.response("late", timeout=1)
        assert "134,881" in reply.text + json.dumps(reply.body["blocks"])
        assert arena.stats.logins == 1
        assert arena.stats.logouts == 1
        assert "Traceback" not in bot.output()
    finally:
        if bot.proc and bot.proc.returncode is None:
            await bot.stop()
        await slack.stop()
        await arena.stop()


async def test_missing_settings_are_named_in_one_sentence(tmp_path: Path) -> None:
    """Without Slack credentials `serve` exits 2 naming each missing variable, no pydantic dump."""
    env = bot_env(
        arena_url="http://127.0.0.1:9/v1",
        slack_url="http://127.0.0.1:9/api/",
        port=free_port(),
        workdir=tmp_path,
    )
    del env["SLACK_BOT_TOKEN"], env["SLACK_SIGNING_SECRET"]
    bot = BotProcess(env, tmp_path)
    with pytest.raises(RuntimeError, match="serve exited 2"):
        await bot.start(timeout=5)
    assert bot.proc is not None
    assert await bot.proc.wait() == 2
    out = bot.output()
    assert "SLACK_BOT_TOKEN" in out
    assert "SLACK_SIGNING_SECRET" in out
    assert "validation error" not in out
    assert "Traceback" not in out


async def test_unreadable_and_missing_settings_are_named_together(tmp_path: Path) -> None:
    """An unreadable PORT and missing Slack and Arena settings: `serve` names them all in one
    message on stderr and exits 2 (not the PORT alone, then the missing ones after a fix)."""
    env = bot_env(
        arena_url="http://127.0.0.1:9/v1",
        slack_url="http://127.0.0.1:9/api/",
        port=free_port(),
        workdir=tmp_path,
    )
    del env["SLACK_BOT_TOKEN"], env["ARENA_PASSWORD"]
    env |= {"PORT": "99999", "PYTHONIOENCODING": "utf-8"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 2
    assert out.decode() == ""
    assert err.decode() == (
        "importrun-bot: PORT: Input should be less than or equal to 65535 (got '99999'). "
        "The settings are missing: SLACK_BOT_TOKEN, ARENA_PASSWORD. "
        "Set them in the environment or in .env (see .env.example).\n"
    )


async def test_a_healthy_start_and_stop_log_no_warning(tmp_path: Path) -> None:
    """Good settings, SLACK_BOT_TOKEN in the environment (as with `docker run --env-file`):
    nothing for the on-call engineer to wonder about, such as Bolt's "As you gave `client` as
    well, `token` will be unused"."""
    async with running_world(tmp_path) as world:
        await world.events.slash_command("help", response_url=world.slack.response_url("help"))
        await world.slack.response("help")
    lines = world.bot.output().splitlines()
    assert [line for line in lines if " WARNING " in line or " ERROR " in line] == []


async def test_a_port_in_use_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    """A second `serve` on a port already taken (a careless restart, two on one host): one
    sentence naming PORT, exit code 2, no traceback; the first one goes on answering."""
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    async with running_world(tmp_path / "first") as world:
        second = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=tmp_path / "second",
            env=world.bot.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(second.communicate(), timeout=30)
        said = out.decode()
        assert second.returncode == 2, said
        assert (
            f"importrun-bot: PORT: serve cannot listen on 127.0.0.1:{world.bot.env['PORT']}" in said
        )
        assert "Traceback" not in said
        # The second shared the first's Arena session (one database): its failed start
        # must not log that session out from under the bot that serves.
        assert world.route("PUT /logout") == 0
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{world.bot.base}/healthz")).status_code == 200


async def test_sigterm_as_arena_login_goes_out_still_logs_out(tmp_path: Path) -> None:
    """SIGTERM while the start's Arena login travels (an orchestrator that changed its mind):
    serve still stops as on any SIGTERM, exit 0, and closes the session it opened."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    bot = BotProcess(
        bot_env(arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=tmp_path),
        tmp_path,
    )
    try:
        with bot.log.open("ab") as log:
            bot.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "serve",
                cwd=tmp_path,
                env=bot.env,
                stdout=log,
                stderr=log,
            )
        # The moment the login reaches Arena (the simulator counts it), not before.
        while arena.stats.by_route["POST /login"] == 0 and bot.proc.returncode is None:  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        assert await bot.stop() == 0, bot.output()
        assert (arena.stats.logins, arena.stats.logouts) == (1, 1)
    finally:
        if bot.proc and bot.proc.returncode is None:
            await bot.stop()
        await slack.stop()
        await arena.stop()
