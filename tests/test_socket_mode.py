"""Socket Mode, the manifest's default, end to end: the stub hands out a WebSocket URL of its
own and delivers commands, shortcuts and button presses as envelopes; each is acknowledged and
answered; a dropped connection is reopened; a refused app token is one sentence and a 503."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from bot_world import World, buttons, everything, running_world

from bot import ids
from bot.demo.seed import RUNNING_RUN_GUID, SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_stub import SlackStub
from support import BotProcess, bot_env, free_port

e2e = pytest.mark.asyncio(loop_scope="module")
SHOW = f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` in Socket Mode, connected to the stub's WebSocket."""
    async with running_world(tmp_path_factory.mktemp("socket"), socket_mode=True) as running:
        await running.slack.socket.wait_connected()
        yield running


async def slash(world: World, text: str, key: str) -> dict[str, object]:
    """`/importrun text` as an envelope: acked at once (with no payload), then answered."""
    before = len(world.slack.socket.acks)
    response = await world.events.slash_command(text, response_url=world.slack.response_url(key))
    assert response.status_code == 200
    assert len(world.slack.socket.acks) == before + 1
    assert "payload" not in response.json() or not response.json()["payload"]
    return (await world.slack.response(key)).body


@e2e
async def test_health_says_socket_mode_is_connected(world: World) -> None:
    """/healthz: 200, Socket Mode, connected; the app-level token opened one URL."""
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{world.bot.base}/healthz")
    assert answer.status_code == 200
    assert answer.json() | {"version": "-"} == {
        "status": "ok",
        "mode": "socket",
        "version": "-",
        "role": "leader",
        "socket": "connected",
    }
    assert world.slack.socket.opened >= 1


@e2e
async def test_a_slash_command_envelope_is_acked_and_answered(world: World) -> None:
    """The card arrives at the command's response_url, as over HTTP."""
    answer = await slash(world, SHOW, "show")
    assert "134,881" in json.dumps(answer)


@e2e
async def test_a_message_shortcut_envelope_is_acked_and_answered(world: World) -> None:
    """The shortcut on a message naming a run: acked, then the card goes in its thread."""
    before = len(world.slack.calls_to("chat.postMessage"))
    response = await world.events.message_shortcut(
        ids.SHORTCUT_SHOW_RUN,
        {"type": "message", "text": f"did {SHOW} go in?", "ts": "1700000000.000100"},
        response_url=world.slack.response_url("shortcut"),
    )
    assert response.status_code == 200
    card = (await world.slack.wait_for("chat.postMessage", before + 1))[before].body
    assert card["thread_ts"] == "1700000000.000100"
    assert "134,881" in everything(card)


@e2e
async def test_a_button_press_envelope_is_acked_and_answered(world: World) -> None:
    """Refresh on a private card of a running run: acked, and a fresh card replaces it."""
    card = await slash(world, f"{SEED_IMPORT_GUID} {RUNNING_RUN_GUID}", "running")
    button = buttons(card)[ids.ACTION_REFRESH]
    response = await world.events.block_action(
        {"action_id": ids.ACTION_REFRESH, "value": button["value"], "block_id": "b1"},
        response_url=world.slack.response_url("refresh"),
        container={"type": "message", "channel_id": "C0DEMOCHAN", "is_ephemeral": True},
    )
    assert response.status_code == 200
    refreshed = await world.slack.response("refresh")
    assert RUNNING_RUN_GUID in json.dumps(refreshed.body) or "RUNNING" in json.dumps(refreshed.body)


@e2e
async def test_a_dropped_connection_is_reopened(world: World) -> None:
    """Slack cuts the WebSocket: the app asks for a new URL, connects, and answers again."""
    socket = world.slack.socket
    opened, connections = socket.opened, socket.connections
    await socket.drop()
    await socket.wait_connected(connections + 1, timeout=20)
    assert socket.opened == opened + 1
    answer = await slash(world, SHOW, "after-drop")
    assert "134,881" in json.dumps(answer)


async def test_a_refused_app_token_is_a_503_and_one_sentence(tmp_path: Path) -> None:
    """A wrong SLACK_APP_TOKEN: serve still starts (the poller runs, SIGTERM stops it at once),
    /healthz answers 503 with the reason, and the log says it once, without a traceback."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    env = bot_env(arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=tmp_path)
    env["SLACK_APP_TOKEN"] = "xapp-1-not-this-app"
    bot = BotProcess(env, tmp_path)
    try:
        await bot.start(ready=(200, 503))
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                answer = await http.get(f"{bot.base}/healthz")
                if answer.status_code == 503:
                    break
                await asyncio.sleep(0.05)
        assert answer.status_code == 503
        body = answer.json()
        assert (body["status"], body["socket"], body["role"]) == ("unhealthy", "failing", "leader")
        assert body["reason"].startswith(
            "SLACK_APP_TOKEN: Slack refused the app-level token (invalid_auth)"
        )
        await asyncio.sleep(2.5)  # a few more attempts to open: still said once
        assert await bot.stop(signal.SIGTERM) == 0
        log = bot.output()
        assert log.count("Slack refused the app-level token") == 1
        assert "Traceback" not in log
        assert "polls Arena now" in log
        assert slack.socket.connections == 0
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            await bot.stop(signal.SIGKILL)
        await slack.stop()
        await arena.stop()


@e2e
async def test_a_guest_and_a_stranger_are_refused_in_socket_mode(world: World) -> None:
    """Who may use the bot holds for envelopes too: the refusal is the ack's one sentence, and
    Arena is not asked."""
    world.slack.add_user("U0GUESTSKT", restricted=True)
    world.slack.add_user("U0STRANGER", team_id="T0OTHERORG", stranger=True)
    before = world.arena.stats.requests
    for user, said in (("U0GUESTSKT", "guest accounts"), ("U0STRANGER", "only answers members")):
        response = await world.events.as_user(user).slash_command(
            SHOW, response_url=world.slack.response_url(f"refused-{user}")
        )
        assert said in response.json()["payload"]["text"]
    await asyncio.sleep(0.5)  # nothing follows the ack
    assert not [c for c in world.slack.calls_to("response_url") if "refused-" in c.body["_key"]]
    assert world.arena.stats.requests == before
