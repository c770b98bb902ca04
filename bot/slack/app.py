"""`build_app()`: the AsyncApp, its error handler, its listeners and their dependencies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import listeners

logger = logging.getLogger(__name__)

SORRY = ":warning: Something went wrong on the bot's side; it has been logged. Please try again."


def build_app(deps: Deps, *, client: AsyncWebClient, signing_secret: str | None) -> AsyncApp:
    """The Slack app; `client` speaks to `SLACK_API_URL`, `deps` reach listeners via context."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        # Socket Mode has no signature to check; HTTP mode always checks it.
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("slack_bolt"),
    )

    @app.middleware
    async def inject_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context["deps"] = deps
        await next()

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], respond: AsyncRespond | None
    ) -> None:
        logger.exception("unhandled error in a listener", exc_info=error)
        if respond is not None and body.get("response_url"):
            try:
                await respond(text=SORRY, response_type="ephemeral", replace_original=False)
            except Exception:
                # Never an error about an error: one log line and stop.
                logger.warning("could not tell the user about the error", exc_info=True)

    listeners.register(app)
    return app
