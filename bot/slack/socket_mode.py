"""Socket Mode for `serve`: connected in the background, its state in /healthz, refusals said once.

slack_sdk's own connect retries for ever, logging a traceback each time, and `serve` would wait
inside it. Here `apps.connections.open` is called first: a refused SLACK_APP_TOKEN becomes one
sentence (and /healthz 503) while the rest of the bot (the poller, SIGTERM) goes on; once a URL
is issued, slack_sdk connects to it and reopens dropped connections by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError

logger = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 60.0)  # first and longest wait between attempts to open


def refusal(error: str) -> str:
    """What a refused `apps.connections.open` means, in one sentence."""
    return (
        f"SLACK_APP_TOKEN: Slack refused the app-level token ({error}); use the xapp-… token "
        "with the connections:write scope from the app's Basic Information page."
    )


class SocketLink:
    """The app's Socket Mode connection: `start()` returns at once; `health()` for /healthz."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self._handler = AsyncSocketModeHandler(app, app_token)
        self._token = app_token
        self._app = app
        self._task: asyncio.Task[None] | None = None
        self.problem: str | None = None

    def start(self) -> None:
        """Connect in the background."""
        self._task = asyncio.create_task(self._connect(), name="socket-mode")

    def details(self) -> dict[str, Any]:
        """For /healthz: `socket` is connecting, connected or failing (see `problem`)."""
        session = self._handler.client.current_session
        if session is not None and not session.closed:
            return {"socket": "connected"}
        return {"socket": "failing" if self.problem else "connecting"}

    async def close(self) -> None:
        """Stop connecting, or close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._handler.close_async()  # type: ignore[no-untyped-call]

    async def _connect(self) -> None:
        wait = RETRY_SECONDS[0]
        while True:
            try:
                answer = await self._app.client.apps_connections_open(app_token=self._token)
            except SlackApiError as exc:
                self._failed(refusal(str(exc.response.get("error", "unknown_error"))))
            except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                reason = str(exc) or type(exc).__name__
                self._failed(
                    f"SLACK_API_URL: Slack could not be reached for Socket Mode ({reason})."
                )
            else:
                client = self._handler.client
                client.wss_uri = str(answer["url"])
                await client.connect()  # type: ignore[no-untyped-call]
                if self.problem:
                    logger.info("Socket Mode connected after all")
                self.problem = None
                logger.info("Socket Mode connected")
                return
            await asyncio.sleep(wait)
            wait = min(wait * 2, RETRY_SECONDS[1])

    def _failed(self, sentence: str) -> None:
        if sentence != self.problem:  # said once, not at every attempt
            logger.error("%s Will keep trying.", sentence)
        self.problem = sentence
