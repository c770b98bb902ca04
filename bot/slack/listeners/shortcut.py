"""The "Show import run" message shortcut: the card in the message's thread, or a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.answer import ask_run, in_thread
from bot.deps import Deps


async def handle_show_run(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Find the import and run in the message; ask for them in a modal when they are not there."""
    await ack()
    target = in_thread.Target.of_shortcut(shortcut)
    import_guid, run_guid = in_thread.guids_in_message(shortcut.get("message") or {})
    if import_guid and run_guid:
        await in_thread.show_named_run(deps, client, target, import_guid, run_guid)
        return
    known = deps.definitions.cached(import_guid) if import_guid else None
    view = ask_run.ask_view(
        import_guid, run_guid, target.to_metadata(), import_name=known.name if known else None
    )
    await client.views_open(trigger_id=shortcut["trigger_id"], view=view)


def register(app: AsyncApp) -> None:
    """Attach the message shortcut."""
    app.shortcut(ids.SHORTCUT_SHOW_RUN)(handle_show_run)
