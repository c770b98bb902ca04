"""The card's buttons, each acked at once and working for anyone who can see the card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.answer import interactions
from bot.deps import Deps


async def on_refresh(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, deps: Deps
) -> None:
    """Refresh: the run afresh from Arena, the card updated in place."""
    await ack()
    await interactions.refresh(deps, client, respond, body)


async def on_share(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    """Share in channel: the private card made public."""
    await ack()
    await interactions.share(deps, respond, body)


async def on_show(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    """Show, on a line of the runs list: that run's card."""
    await ack()
    await interactions.show_run(deps, respond, body)


async def on_warnings(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Show all warnings: a paged modal."""
    await ack()
    await interactions.open_warnings(deps, client, body)


async def on_warnings_page(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Previous / Next in the warnings modal."""
    await ack()
    await interactions.turn_warnings_page(deps, client, body)


async def on_failed_rows(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Show failed rows: the first rows of the error file in a modal."""
    await ack()
    await interactions.open_failed_rows(deps, client, body)


async def on_open_in_arena(ack: AsyncAck) -> None:
    """Open in Arena is a link; Slack still tells the app, which only has to ack."""
    await ack()


def register(app: AsyncApp) -> None:
    """Attach every button of the card, the runs list and the warnings modal."""
    app.action(ids.ACTION_REFRESH)(on_refresh)
    app.action(ids.ACTION_SHARE)(on_share)
    app.action(ids.ACTION_SHOW_RUN)(on_show)
    app.action(ids.ACTION_WARNINGS)(on_warnings)
    app.action(ids.ACTION_WARNINGS_PAGE)(on_warnings_page)
    app.action(ids.ACTION_FAILED_ROWS)(on_failed_rows)
    app.action(ids.ACTION_OPEN_ARENA)(on_open_in_arena)
