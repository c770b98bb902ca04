"""The bot's Slack identity: one `auth.test` at start, handed to Bolt so no request waits for it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

# What a person sees when the bot cannot confirm its own Slack token (Bolt sends it).
NO_IDENTITY = (
    ":warning: The bot could not confirm its Slack token with Slack (auth.test failed); "
    "try again in a minute, or ask whoever runs the bot to check SLACK_BOT_TOKEN."
)


class SlackIdentity:
    """The answer of one `auth.test`: what Bolt's `authorize` gives each request (bot/slack/app.py),
    and the team an allow-list can check. Knows no Bolt: `serve` sends auth.test before Bolt is
    imported. Asked once: callers at the same time share the call; the answer is kept.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._answer: dict[str, Any] | None = None
        self._scopes: str | None = None
        self._pending: asyncio.Task[None] | None = None
        self._last_failure = ""

    @property
    def team_id(self) -> str | None:
        """The bot's workspace (None until auth.test answers)."""
        return self._get("team_id")

    @property
    def enterprise_id(self) -> str | None:
        """The bot's Enterprise Grid organization, if any."""
        return self._get("enterprise_id")

    @property
    def is_enterprise_install(self) -> bool:
        """Whether the app is installed org-wide (Enterprise Grid)."""
        return bool((self._answer or {}).get("is_enterprise_install"))

    @property
    def bot_user_id(self) -> str | None:
        """The bot's own user ID."""
        return self._get("user_id")

    async def fetch(self) -> None:
        """Call auth.test unless it has answered (callers at the same time share one call)."""
        if self._answer is not None:
            return
        if self._pending is None or self._pending.done():
            self._pending = asyncio.create_task(self._auth_test(), name="auth.test")
            # Retrieved here too, so a call whose askers all gave up stays quiet.
            self._pending.add_done_callback(lambda done: done.cancelled() or done.exception())
        await asyncio.shield(self._pending)

    async def authorization(self, user_id: str | None) -> dict[str, Any] | None:
        """Bolt's AuthorizeResult fields for a request of `user_id`, from the kept answer (asked
        for once if there is none yet); None if Slack gives none (Bolt then says NO_IDENTITY)."""
        if self._answer is None:
            try:
                await self.fetch()
            except Exception as exc:  # Slack down or the token refused: one sentence, no traceback
                # Said once per different failure, not once per request of a burst.
                said = logger.warning if repr(exc) != self._last_failure else logger.debug
                said("auth.test failed: %s", exc)
                self._last_failure = repr(exc)
                return None
        return {
            "enterprise_id": self.enterprise_id,
            "team_id": self.team_id,
            "bot_id": self._get("bot_id"),
            "bot_user_id": self.bot_user_id,
            "bot_token": self._client.token,
            "bot_scopes": self._scopes,
            "user_id": user_id,
        }

    def _get(self, key: str) -> str | None:
        value = (self._answer or {}).get(key)
        return str(value) if value else None

    async def _auth_test(self) -> None:
        response = await self._client.auth_test()
        self._scopes = response.headers.get("x-oauth-scopes")
        self._answer = dict(response.data) if isinstance(response.data, dict) else {}
        logger.info("Slack auth.test: bot %s in team %s", self.bot_user_id, self.team_id)
