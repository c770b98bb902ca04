"""`build_app()`: the AsyncApp, its error handler, its listeners and their dependencies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import listeners
from bot.slack.access import Access
from bot.slack.edge import VERIFIED
from bot.slack.identity import NO_IDENTITY, SlackIdentity
from bot.slack.respond import SharedRespond

logger = logging.getLogger(__name__)


class _TokenInClient(logging.Filter):
    """Drops Bolt's start-up warning that SLACK_BOT_TOKEN (which it reads from the environment
    itself) goes unused: by design, `identity` gives each request the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_TOKEN_IN_CLIENT = _TokenInClient()


class _Authorize(AsyncAuthorize):
    """Bolt's authorize: the bot's auth.test answer, kept by `SlackIdentity`, for every request.

    Bolt's single-workspace authorization calls `auth.test` for every request until one
    answer arrives (250 calls in a cold burst, on the ack path); this asks once, shares the
    call among requests that come before it ends, and keeps the answer for the process.
    """

    def __init__(self, identity: SlackIdentity) -> None:
        self._identity = identity

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        fields = await self._identity.authorization(user_id)
        return None if fields is None else AuthorizeResult(**fields)


SORRY = ":warning: Something went wrong on the bot's side; it has been logged. Please try again."


def build_app(
    deps: Deps,
    *,
    client: AsyncWebClient,
    signing_secret: str | None,
    access: Access | None = None,
    identity: SlackIdentity | None = None,
) -> AsyncApp:
    """The Slack app; `client` speaks to `SLACK_API_URL`, `deps` reach listeners via context.

    `identity` (auth.test, fetched at start by `serve`) authorizes every request without a call.
    """
    bolt_logger = logging.getLogger("slack_bolt")
    bolt_logger.addFilter(_TOKEN_IN_CLIENT)  # the same filter once, however many apps
    app = AsyncApp(
        # Bolt's own client carries no token: `identity` gives each request the bot's token.
        client=AsyncWebClient(
            base_url=client.base_url,
            timeout=client.timeout,
            headers=client.headers,
            retry_handlers=client.retry_handlers,
        ),
        # Bolt takes an AsyncAuthorize as it is (its hint names only plain functions).
        authorize=_Authorize(identity or SlackIdentity(client)),  # type: ignore[arg-type]
        user_facing_authorize_error_message=NO_IDENTITY,
        signing_secret=signing_secret,
        # `serve` checks signatures at the edge (bot/slack/edge.py) and passes None here;
        # Socket Mode has no signature to check.
        request_verification_enabled=signing_secret is not None,
        logger=bolt_logger,
    )
    # Bolt logs a refused body whole at INFO: never let it (the edge refuses in one line).
    logging.getLogger("slack_bolt.AsyncRequestVerification").setLevel(logging.WARNING)

    @app.middleware
    async def inject_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context["deps"] = deps
        if context.response_url:
            context["respond"] = SharedRespond(
                response_url=context.response_url, responder=deps.responder
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
