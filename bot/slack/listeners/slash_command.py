"""`/importrun`: ack at once, parse, answer, respond privately."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot import ids
from bot.answer.commands import parse
from bot.answer.dispatch import reply
from bot.deps import Deps
from bot.runs.messages import Asker

PRIVATE = "ephemeral"


async def handle_importrun(ack: AsyncAck, command: dict[str, Any], deps: Deps) -> None:
    """Answer `/importrun …` with a card, usage, or one sentence saying what went wrong.

    A run's card goes out after one Arena round trip; its change link replaces it when known.
    """
    await ack()
    asker = Asker(user_id=command["user_id"], channel_id=command.get("channel_id"))
    first = await reply(deps, parse(command.get("text", "")), asker)
    url = command["response_url"]
    await deps.responder.reply_card(
        url, first.message, response_type=PRIVATE, replace_original=False
    )
    if first.later is not None:
        await deps.responder.improve(url, first.later, response_type=PRIVATE)


def register(app: AsyncApp) -> None:
    """Attach the slash command."""
    app.command(ids.COMMAND)(handle_importrun)
