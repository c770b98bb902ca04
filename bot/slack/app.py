"""`build_app()`: the AsyncApp, its error handler, its listeners and their dependencies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import listeners
from bot.slack.access import Access
from bot.slack.edge import VERIFIED

logger = logging.getLogger(__name__)

SORRY = ":warning: Something went wrong on the bot's side; it has been logged. Please try again."


class LoggedRespond(AsyncRespond):
    """Bolt's `respond`, logging a response_url that refuses the reply (404, 500, …)."""

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """POST the reply; a status other than 200 is logged once, never raised."""
        response = await super().__call__(*args, **kwargs)
        if getattr(response, "status_code", 200) != 200:
            logger.warning("response_url refused a reply: HTTP %s", response.status_code)
        return response


def build_app(
    deps: Deps,
    *,
    client: AsyncWebClient,
    signing_secret: str | None,
    access: Access | None = None,
) -> AsyncApp:
    """The Slack app; `client` speaks to `SLACK_API_URL`, `deps` reach listeners via context."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        # `serve` checks signatures at the edge (bot/slack/edge.py) and passes None here;
        # Socket Mode has no signature to check.
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("slack_bolt"),
    )
    # Bolt logs a refused body whole at INFO: never let it (the edge refuses in one line).
    logging.getLogger("slack_bolt.AsyncRequestVerification").setLevel(logging.WARNING)

    @app.middleware
    async def inject_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context["deps"] = deps
        if context.response_url:
            context["respond"] = LoggedRespond(
                response_url=context.response_url,
                proxy=context.client.proxy,
                ssl=context.client.ssl,
            )
        await next()

    if access is not None:
        app.middleware(access.middleware)

    @app.error
    async def on_error(
        error: Exception,
        body: dict[str, Any],
        request: AsyncBoltRequest,
        respond: AsyncRespond | None,
    ) -> None:
        logger.exception("unhandled error in a listener", exc_info=error)
        verified = request.mode == "socket_mode" or request.context.get(VERIFIED) is True
        if not verified:
            return  # never a request to a URL that an unverified body names
        if respond is not None and body.get("response_url"):
            try:
                await respond(text=SORRY, response_type="ephemeral", replace_original=False)
            except Exception:
                # Never an error about an error: one log line and stop.
                logger.warning("could not tell the user about the error", exc_info=True)

    listeners.register(app)
    return app
