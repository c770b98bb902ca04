"""Posting to Slack: a message in a channel, a reply to a response_url, and refusals told apart."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookResponse

from bot.cards import Message
from bot.runs.card_cache import reply_body

logger = logging.getLogger(__name__)

# What Bolt hands a listener as `respond`: a reply to the request's response_url.
Respond = Callable[..., Awaitable[Any]]

# Slack errors that mean "the bot may not post there": answer privately instead.
CANNOT_POST = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "cannot_reply_to_message",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_access_not_granted",
        "missing_scope",
    }
)

# chat.update cannot reach the card any more (deleted, or too old to edit): post it anew.
GONE_MESSAGE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (`not_in_channel`, …) of a refused call."""
    return str(exc.response.get("error", ""))


class Responder:
    """Replies to response_urls over one HTTP session (kept-alive connections) for the process.

    The session opens on the first reply, in the running event loop; `close()` at shutdown.
    """

    def __init__(self, *, timeout: float = 15.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self.sessions_opened = 0  # tests and the bench check that it stays at one

    async def send(self, response_url: str, message: dict[str, Any]) -> WebhookResponse:
        """POST `message` as JSON; any status comes back."""
        return await self.post(response_url, json.dumps(message).encode())

    async def reply(self, response_url: str, **message: Any) -> None:
        """POST a reply; a refusal is logged with its status, never raised."""
        _check(await self.send(response_url, message))

    async def reply_card(self, response_url: str, message: Message, **fields: Any) -> None:
        """POST a card (serialized once when it is a kept one) with Slack's `fields`."""
        _check(await self.post(response_url, reply_body(message, **fields)))

    async def improve(
        self,
        response_url: str,
        later: Callable[[], Awaitable[Message | None]],
        **fields: Any,
    ) -> None:
        """Replace a reply with `later()`'s better card, if any; a failure leaves the first one."""
        better = await later()
        if better is None:
            return
        try:
            await self.reply_card(response_url, better, replace_original=True, **fields)
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("could not add the change link to a reply: %r", exc)

    async def post(self, response_url: str, body: bytes) -> WebhookResponse:
        """POST a JSON body, once more after a connection failure; any status comes back."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=REPLY_CONNECTIONS, keepalive_timeout=30),
                timeout=self._timeout,
                cookie_jar=aiohttp.DummyCookieJar(),  # response_urls set none worth keeping
            )
            self.sessions_opened += 1
        for attempt in (1, 2):
            try:
                async with self._session.post(response_url, data=body, headers=_JSON) as answer:
                    text = await answer.text()
                    return WebhookResponse(
                        url=response_url,
                        status_code=answer.status,
                        body=text,
                        headers=dict(answer.headers),
                    )
            except (aiohttp.ServerConnectionError, aiohttp.ClientOSError):
                # slack_sdk's webhook client retries the same failures once (a reset
                # keep-alive connection, above all).
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


# Kept-alive connections for replies: a burst reuses them instead of opening one per reply
# (with no cap, 250 replies at once opened 250 connections: 12 % of the burst's CPU on
# connecting alone, and a TLS handshake each against Slack).
REPLY_CONNECTIONS = 64
_JSON = {"Content-Type": "application/json; charset=utf-8"}


def _check(response: WebhookResponse) -> None:
    if response.status_code != 200:
        logger.warning("response_url refused a reply: HTTP %s", response.status_code)
