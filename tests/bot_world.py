"""A running `serve` wired to the Arena simulator and the Slack stub, and checks on what it sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents, SocketEvents
from bot.demo.slack_stub import SlackCall, SlackStub
from support import SIGNING_SECRET, BotProcess, bot_env, free_port

CHANNEL = "C0DEMOCHAN"


@dataclass
class World:
    """A running bot, the simulated Arena behind it and the local Slack in front of it."""

    arena: ArenaSimulator
    slack: SlackStub
    bot: BotProcess
    events: SlackEvents

    def route(self, route: str) -> int:
        """How many times Arena served `route` (e.g. `GET /imports/{g}/runs/{g}`)."""
        return self.arena.stats.by_route[route]


@asynccontextmanager
async def running_world(
    workdir: Path, *, socket_mode: bool = False, **settings: str
) -> AsyncIterator[World]:
    """Start everything; on exit the bot must stop cleanly and never have logged a traceback.

    With `socket_mode`, the bot connects to the stub's WebSocket (SLACK_APP_TOKEN) and the
    world's events arrive as Socket Mode envelopes instead of signed HTTP requests.
    """
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    env = bot_env(
        arena_url=arena.url, slack_url=slack.url, port=free_port(), workdir=workdir, **settings
    )
    if socket_mode:
        env["SLACK_APP_TOKEN"] = slack.socket.app_token
    bot = BotProcess(env, workdir)
    await bot.start()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            events = (
                SocketEvents(slack.socket)
                if socket_mode
                else SlackEvents(http, f"{bot.base}/slack/events", SIGNING_SECRET)
            )
            yield World(arena, slack, bot, events)
        assert await bot.stop() == 0, bot.output()
        assert "Traceback" not in bot.output(), bot.output()
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            await bot.stop()
        await slack.stop()
        await arena.stop()


def everything(body: dict[str, Any]) -> str:
    """A message's or view's text and blocks as one string to search."""
    return str(body.get("text", "")) + json.dumps(body.get("blocks", []), ensure_ascii=False)


def card_message(message: dict[str, Any]) -> dict[str, Any]:
    """A card as Slack would show it to the next button press (`message` in the payload)."""
    return {"type": "message", "text": message.get("text"), "blocks": message.get("blocks")}


def buttons(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a message or view by action_id."""
    found = {}
    for block in body.get("blocks", []):
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        for element in [*elements, block.get("accessory") or {}]:
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found


def assert_valid_message(body: dict[str, Any]) -> None:
    """Blocks that slack_sdk accepts, within a message's 50 blocks, with a notification text."""
    blocks = Block.parse_all(body.get("blocks", []))
    assert 0 < len(blocks) <= 50
    for block in blocks:
        block.validate_json()
    assert body.get("text")


def view_of(call: SlackCall) -> dict[str, Any]:
    """The view a `views.open`/`views.update` call sent, validated and within Slack's limits."""
    view: dict[str, Any] = call.body["view"]
    assert_valid_view(view)
    return view


def assert_valid_view(view: dict[str, Any]) -> None:
    """A modal that slack_sdk accepts: ≤ 100 blocks, title ≤ 24, metadata ≤ 3000."""
    model = View(**view)
    model.validate_json()
    assert len(view["blocks"]) <= 100
    assert len(view["title"]["text"]) <= 24
    assert len(view.get("private_metadata") or "") <= 3000
