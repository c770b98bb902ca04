"""`/importrun`: ack at once, parse, answer, respond privately."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot import ids
from bot.answer.commands import parse
from bot.answer.dispatch import answer
from bot.deps import Deps
from bot.runs.messages import Asker


async def handle_importrun(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/importrun …` with a card, usage, or one sentence saying what went wrong."""
    await ack()
    asker = Asker(user_id=command["user_id"], channel_id=command.get("channel_id"))
    message = await answer(deps, parse(command.get("text", "")), asker)
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=False)


def register(app: AsyncApp) -> None:
    """Attach the slash command."""
    app.command(ids.COMMAND)(handle_importrun)
