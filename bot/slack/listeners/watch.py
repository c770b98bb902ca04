"""The card's Watch button: the same as `/importrun watch IMPORT RUN` in that channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot import ids
from bot.answer.commands import WatchRun
from bot.answer.dispatch import answer
from bot.cards import parse_button_value
from bot.deps import Deps
from bot.runs.messages import Asker


async def on_watch(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    """Watch: post the card publicly and update it when the run finishes."""
    await ack()
    import_guid, run_guid = parse_button_value(body["actions"][0]["value"])
    message = await answer(deps, WatchRun(import_guid, run_guid), Asker.of_action(body))
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=False)


def register(app: AsyncApp) -> None:
    """Attach the Watch button."""
    app.action(ids.ACTION_WATCH)(on_watch)
