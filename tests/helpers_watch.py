"""Helpers of the end-to-end watch tests: a running run, a command typed, the posts made."""

from __future__ import annotations

from typing import Any

from bot_world import CHANNEL, World
from helpers_poller import add_run

from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_stub import SlackCall, SlackStub

NEW_RUN = "N3WRUNQ8ZT4KD6RX2MBA"
NEWER_RUN = "N4WRUNQ8ZT4KD6RX2MBA"


def add_running_run(
    arena: ArenaSimulator, guid: str, *, finishes_after: float, **fields: Any
) -> None:
    """A run of the seed import, RUNNING now and finished `finishes_after` seconds later."""
    add_run(arena, guid, finishes_after=finishes_after, **fields)


async def command(world: World, text: str, key: str, *, channel: str = CHANNEL) -> dict[str, Any]:
    """Type `/importrun text` in `channel`; the private reply's body."""
    response = await world.events.slash_command(
        text, response_url=world.slack.response_url(key), channel=channel
    )
    assert response.status_code == 200
    return (await world.slack.response(key)).body


def posts(slack: SlackStub, channel: str | None = None) -> list[SlackCall]:
    """Successful chat.postMessage calls (to `channel`, or anywhere)."""
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.answer.get("ok") and channel in (None, c.body.get("channel"))
    ]
