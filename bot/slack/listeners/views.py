"""The modal that asks for an import and a run: field errors, or the card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.answer import in_thread
from bot.deps import Deps


async def handle_ask_run(
    ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Errors next to the field stay in the modal; a run that exists closes it and is shown."""
    submission = await in_thread.check_submission(deps, view)
    if submission.errors:
        await ack(response_action="errors", errors=submission.errors)
        return
    await ack()
    await in_thread.finish_submission(deps, client, submission)


def register(app: AsyncApp) -> None:
    """Attach the modal's submission."""
    app.view(ids.VIEW_ASK_RUN)(handle_ask_run)
